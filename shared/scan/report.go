package scan

import (
	"bytes"
	"encoding/json"
	"io"
	"iter"
)

// Formats of the report's times.
const (
	timeFormat     = "2006-01-02T15:04:05.000Z07:00" // StartedAt, FinishedAt
	fileTimeFormat = "20060102T150405Z"              // file names: no colons, sorts by time
)

// FileName is the name the report is filed under: its start time in UTC, then its ID,
// e.g. 20250301T080000Z-5b1c….json, so that a directory of reports lists in time order.
func (rep *Report) FileName() string {
	return rep.StartedAt.UTC().Format(fileTimeFormat) + "-" + rep.ScanID + ".json"
}

// WriteJSON writes the report as one JSON document, record by record, so that a large
// report is never in memory whole. The header members come first, one a line, then the
// three lists with one record a line:
//
//	{
//	 "ScanId": "…",
//	 "StartedAt": "2025-03-01T08:00:00.000Z",
//	 …
//	 "DanglingReferences": [
//	  {"RegionId":"cn-hangzhou",…},
//	  {"RegionId":"cn-hangzhou",…}
//	 ],
//	 …
//	}
//
// Writes are small: give it a buffered writer.
func (rep *Report) WriteJSON(w io.Writer) error {
	e := &encoder{w: w}
	e.enc = json.NewEncoder(&e.buf)
	e.enc.SetEscapeHTML(false)
	e.raw("{\n")
	e.member("ScanId", rep.ScanID, true)
	e.member("StartedAt", rep.StartedAt.UTC().Format(timeFormat), true)
	e.member("FinishedAt", rep.FinishedAt.UTC().Format(timeFormat), true)
	e.member("Scope", rep.Scope, true)
	e.member("Inventory", rep.Inventory, true)
	e.member("Summary", rep.Summary, true)
	if rep.Coverage != nil {
		e.member("Coverage", rep.Coverage, true)
	}
	list(e, "DanglingReferences", rep.DanglingReferences(), true)
	list(e, "UnverifiableReferences", rep.UnverifiableReferences(), true)
	list(e, "UnreferencedGroups", rep.UnreferencedGroups(), false)
	e.raw("}\n")
	return e.err
}

// encoder writes JSON to w, keeping the first error.
type encoder struct {
	w   io.Writer
	buf bytes.Buffer
	enc *json.Encoder
	err error
}

func (e *encoder) raw(s string) {
	if e.err == nil {
		_, e.err = io.WriteString(e.w, s)
	}
}

// value writes v compactly, without the encoder's newline.
func (e *encoder) value(v any) {
	if e.err != nil {
		return
	}
	e.buf.Reset()
	if e.err = e.enc.Encode(v); e.err == nil {
		_, e.err = e.w.Write(bytes.TrimSuffix(e.buf.Bytes(), []byte{'\n'}))
	}
}

func (e *encoder) member(name string, v any, comma bool) {
	e.raw(` "` + name + `": `)
	e.value(v)
	e.raw(sep(comma))
}

func list[T any](e *encoder, name string, seq iter.Seq[T], comma bool) {
	e.raw(` "` + name + `": [`)
	n := 0
	var cur T // one variable for every record: the encoder's interface makes it escape
	for v := range seq {
		if e.err != nil {
			return
		}
		if n == 0 {
			e.raw("\n  ")
		} else {
			e.raw(",\n  ")
		}
		cur = v
		e.value(&cur)
		n++
	}
	if n > 0 {
		e.raw("\n ")
	}
	e.raw("]" + sep(comma))
}

func sep(comma bool) string {
	if comma {
		return ",\n"
	}
	return "\n"
}
