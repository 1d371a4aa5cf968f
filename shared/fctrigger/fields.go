package fctrigger

// The FC SDK's events are pointer-heavy; these read them without dereferencing nil.

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func boolean(p *bool) bool { return p != nil && *p }

func strmap(p *map[string]string) map[string]string {
	if p == nil {
		return nil
	}
	return *p
}
