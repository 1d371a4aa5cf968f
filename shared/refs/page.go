package refs

// PageSize is the largest number of referencing-group records one answer carries.
const PageSize = 100

// Span is the part of one entry's list that falls on a page: entry Entry, items [From, To).
type Span struct{ Entry, From, To int }

// Paginate cuts a sequence of entries, entry i holding lens[i] records, into pages of size
// records and returns the page that starts at record offset start. A page ends right after
// its size-th record, so an entry with no records belongs to the page its position falls in,
// and an entry whose records straddle a boundary appears on both pages. more reports whether
// anything, a record or an empty entry, comes after the page. A start that no page begins
// at yields no spans.
func Paginate(lens []int, start, size int) (spans []Span, more bool) {
	if start < 0 || size <= 0 || start%size != 0 {
		return nil, false
	}
	end := start + size
	s := 0
	for i, n := range lens {
		switch {
		case s >= end:
			return spans, true
		case n == 0:
			if s >= start {
				spans = append(spans, Span{Entry: i})
			}
		case s+n > start:
			spans = append(spans, Span{Entry: i, From: max(start-s, 0), To: min(n, end-s)})
			if s+n > end {
				return spans, true
			}
		}
		s += n
	}
	return spans, false
}
