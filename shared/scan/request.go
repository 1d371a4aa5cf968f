package scan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Request scopes a scan. Empty lists mean everything.
type Request struct {
	Regions  []string `json:"Regions"`
	Accounts []string `json:"Accounts"`
}

// maxScopeItems bounds each list of a scan request.
const maxScopeItems = 1000

// DecodeRequest reads a scan request from JSON: an object with optional Regions and
// Accounts, lists of non-empty strings; an empty or null document is the whole
// inventory. Unknown members are refused, so a misspelt key never widens a scan.
func DecodeRequest(b []byte) (Request, error) {
	var r Request
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return r, nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return Request{}, fmt.Errorf("invalid scan request: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Request{}, errors.New("invalid scan request: data after the JSON object")
	}
	if err := r.Validate(); err != nil {
		return Request{}, err
	}
	return r, nil
}

// Validate checks the lists of a request built by other means than DecodeRequest (a
// command line, say): at most 1000 items each, none empty or longer than 128 characters.
func (r Request) Validate() error {
	for _, list := range [][]string{r.Regions, r.Accounts} {
		if len(list) > maxScopeItems {
			return fmt.Errorf("invalid scan request: more than %d items in a list", maxScopeItems)
		}
		for _, s := range list {
			if s == "" || len(s) > 128 {
				return fmt.Errorf("invalid scan request: item %q is empty or longer than 128 characters", s)
			}
		}
	}
	return nil
}
