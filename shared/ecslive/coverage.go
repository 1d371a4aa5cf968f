package ecslive

import "slices"

// Regions are the regions the source reads: a capture records them as covered, whether
// or not they hold any group.
func (s *Source) Regions() []string { return slices.Clone(s.opts.Regions) }
