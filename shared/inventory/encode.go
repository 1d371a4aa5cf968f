package inventory

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// Encoder writes a snapshot document one group at a time, so that a capture never holds
// the document whole: CapturedAt first, then the groups, then Source, which a capture
// knows only once its read is done. Groups are written as encoding/json writes the model,
// one a line.
type Encoder struct {
	w   *bufio.Writer
	enc *json.Encoder
	n   int
	err error
}

// NewEncoder starts a snapshot on w, captured at capturedAt (zero: not said).
func NewEncoder(w io.Writer, capturedAt time.Time) *Encoder {
	bw := bufio.NewWriterSize(w, 64<<10)
	e := &Encoder{w: bw, enc: json.NewEncoder(bw)}
	e.enc.SetEscapeHTML(false) // as ECS writes names and descriptions
	bw.WriteString("{")
	if !capturedAt.IsZero() {
		fmt.Fprintf(bw, "%q:%q,\n", "CapturedAt", capturedAt.UTC().Format(time.RFC3339))
	}
	bw.WriteString(`"SecurityGroups":[`)
	return e
}

// Encode writes the next group.
func (e *Encoder) Encode(g *Group) error {
	if e.err != nil {
		return e.err
	}
	if e.n > 0 {
		e.w.WriteByte(',')
	}
	e.w.WriteByte('\n')
	e.n++
	if err := e.enc.Encode(g); err != nil { // Encode ends the group with a newline
		e.err = fmt.Errorf("encode group %.128q: %w", g.SecurityGroupId, err)
	}
	return e.err
}

// Close ends the document with the coverage (nil: not said) and flushes it.
func (e *Encoder) Close(cov *Coverage) error {
	if e.err != nil {
		return e.err
	}
	e.w.WriteString("]")
	if cov != nil {
		b, err := json.Marshal(cov)
		if err != nil {
			return fmt.Errorf("encode coverage: %w", err)
		}
		e.w.WriteString(",\n\"Source\":")
		e.w.Write(b)
	}
	e.w.WriteString("}\n")
	if err := e.w.Flush(); err != nil {
		e.err = fmt.Errorf("write snapshot: %w", err)
		return e.err
	}
	e.err = errors.New("encoder closed")
	return nil
}
