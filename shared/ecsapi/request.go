package ecsapi

import (
	"context"
	"encoding/base64"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Limits on one request's parameters. A request over them is refused with a 4xx envelope.
const (
	MaxParamBytes = 64 << 10 // query string and form body together
	MaxParams     = 100      // distinct parameter keys
)

// Request is one API call as every adapter decodes it: the platform's event or net/http
// request reduced to what the ECS protocol reads.
type Request struct {
	Method   string
	Host     string      // the host the client addressed; echoed as HostId in errors
	Header   http.Header // canonical keys (http.CanonicalHeaderKey)
	RawQuery string      // the URL's query string, still encoded
	Body     []byte      // the raw body; parsed as a form when its type is form-urlencoded or absent
	// Base64 says Body is base64 text, as a platform's event carries a body it would not
	// pass as text; Serve decodes it, or answers InvalidParameter.
	Base64 bool
	// Log is where Serve writes the request's log line; an adapter sets it, a direct
	// caller (a test, a benchmark) need not.
	Log RequestLog
}

// RequestLog is where and with what an adapter has Serve log a request. With no Logger,
// no line is written.
type RequestLog struct {
	Logger *slog.Logger
	Attrs  []slog.Attr // the platform's own (its name, its request ID), first on the line
	Start  time.Time   // when the adapter took the request; zero: when Serve began
}

// errBadBase64 answers a body that claims to be base64 and is not.
var errBadBase64 = WithMessage(CodeInvalidParameter, "The request body is not valid base64.")

// decoded returns r with its body decoded from base64 when it is flagged so: a copy, so
// that the caller's request stays as the platform delivered it.
func (r *Request) decoded() (*Request, *Error) {
	if !r.Base64 {
		return r, nil
	}
	body, err := base64.StdEncoding.AppendDecode(nil, r.Body)
	if err != nil {
		return r, errBadBase64
	}
	d := *r
	d.Body, d.Base64 = body, false
	return &d, nil
}

// Response is the API's answer, ready for an adapter to encode in its platform's shape.
type Response struct {
	Status      int
	ContentType string
	RequestID   string // also sent as the x-acs-request-id header
	Body        []byte

	Action string // the action served, for logs ("" when none was recognised)
	Code   string // the error code, for logs ("" on success)

	// InventoryAge is how old the data that answered is, since its capture (a snapshot's
	// CapturedAt, a live read's start); sent as the header x-sgref-inventory-age
	// (seconds, at least 1). Zero when the capture time is unknown.
	InventoryAge time.Duration
}

// log writes the one line logged per request: the platform's own attributes beside the
// ECS RequestId, action, status, code and duration. The record goes to the handler
// directly, without the caller's PC (no handler of ours adds the source), and its
// attributes are gathered on the stack: the line is on every request's path.
func (r *Response) log(ctx context.Context, l RequestLog, method string) {
	if l.Logger == nil || !l.Logger.Enabled(ctx, slog.LevelInfo) {
		return
	}
	rec := slog.NewRecord(time.Now(), slog.LevelInfo, "request", 0)
	var buf [8]slog.Attr
	attrs := append(append(buf[:0], l.Attrs...),
		slog.String("RequestId", r.RequestID),
		slog.String("method", method),
		slog.String("action", r.Action),
		slog.Int("status", r.Status),
		slog.String("code", r.Code),
		slog.Float64("ms", float64(time.Since(l.Start).Microseconds())/1000),
	)
	rec.AddAttrs(attrs...)
	l.Logger.Handler().Handle(ctx, rec)
}

// The response headers every adapter sends, named as they are sent: ECS's request ID
// header and sgref's own in lower case.
const (
	HeaderContentType  = "Content-Type"
	HeaderRequestID    = "x-acs-request-id"
	HeaderInventoryAge = "x-sgref-inventory-age"
)

// EachHeader calls f for every response header every adapter sends.
func (r *Response) EachHeader(f func(name, value string)) {
	f(HeaderContentType, r.ContentType)
	f(HeaderRequestID, r.RequestID)
	if r.InventoryAge > 0 {
		f(HeaderInventoryAge, strconv.Itoa(int(r.InventoryAge/time.Second)))
	}
}

// Headers returns the response headers every adapter sends, as a map.
func (r *Response) Headers() map[string]string {
	h := make(map[string]string, 3)
	r.EachHeader(func(name, value string) { h[name] = value })
	return h
}

// HeaderFields are the response headers as a struct that encodes to the JSON of the
// Headers map (its keys in order, an absent header left out), without building the map:
// what an adapter that encodes its platform's response itself puts in its headers member.
type HeaderFields struct {
	ContentType  string `json:"Content-Type"`
	RequestID    string `json:"x-acs-request-id"`
	InventoryAge string `json:"x-sgref-inventory-age,omitempty"`
}

// HeaderFields returns the response headers as HeaderFields.
func (r *Response) HeaderFields() HeaderFields {
	var h HeaderFields
	r.EachHeader(func(name, value string) {
		switch name {
		case HeaderContentType:
			h.ContentType = value
		case HeaderRequestID:
			h.RequestID = value
		case HeaderInventoryAge:
			h.InventoryAge = value
		default:
			panic("ecsapi: response header " + name + " has no HeaderFields field")
		}
	})
	return h
}

// Params are the request's parameters, query and form body merged; a key in both takes
// the body's value, a key repeated within one of them its first value.
type Params struct {
	m   map[string]string
	dup []string // keys given more than once, in query, body or both
}

// Get returns the value of key, or "".
func (p Params) Get(key string) string { return p.m[key] }

// Lookup returns the value of key and whether it was given.
func (p Params) Lookup(key string) (string, bool) {
	v, ok := p.m[key]
	return v, ok
}

// Len is the number of distinct keys.
func (p Params) Len() int { return len(p.m) }

// Each calls f for every parameter, in no particular order.
func (p Params) Each(f func(key, value string)) {
	for k, v := range p.m {
		f(k, v)
	}
}

// Repeated returns the keys given more than once.
func (p Params) Repeated() []string { return p.dup }

// ParseParams decodes the query string and, when it is a form, the body. It fails with
// an InvalidParameter error on bad percent-encoding or on a request over the limits.
func ParseParams(rawQuery string, body []byte, contentType string) (Params, *Error) {
	if len(rawQuery)+len(body) > MaxParamBytes {
		return Params{}, WithMessage(CodeInvalidParameter, "The request is too large: its parameters may take at most 65536 bytes.")
	}
	p := Params{m: make(map[string]string, 8)}
	if err := p.add(rawQuery, false); err != nil {
		return Params{}, err
	}
	if len(body) > 0 && isForm(contentType) {
		if err := p.add(string(body), true); err != nil {
			return Params{}, err
		}
	}
	return p, nil
}

func isForm(contentType string) bool {
	if contentType == "" {
		return true
	}
	mt, _, _ := strings.Cut(contentType, ";")
	return strings.EqualFold(strings.TrimSpace(mt), "application/x-www-form-urlencoded")
}

// FormError is a pair of a form-encoded string that does not unescape. Key is the decoded
// key when only the value is at fault, and KeyBad reports that the key itself is.
type FormError struct {
	Key    string
	KeyBad bool
}

func (e *FormError) Error() string {
	if e.KeyBad {
		return "a parameter name is not valid URL encoding"
	}
	return "the value of " + strconv.Quote(e.Key) + " is not valid URL encoding"
}

// SplitForm calls fn for each key=value pair of a form-encoded string (a query string or
// a form body): split at &, the key cut at the first =, both query-unescaped (+ is a
// space), empty pairs and empty keys skipped. It stops at the first pair that does not
// unescape (a *FormError) or at the first error of fn. The parameter parser and the
// signature verifier read requests through it, so they can never split them differently.
func SplitForm(s string, fn func(key, value string) error) error {
	for s != "" {
		var kv string
		kv, s, _ = strings.Cut(s, "&")
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			return &FormError{KeyBad: true}
		}
		val, err := url.QueryUnescape(v)
		if err != nil {
			return &FormError{Key: key}
		}
		if key == "" {
			continue
		}
		if err := fn(key, val); err != nil {
			return err
		}
	}
	return nil
}

func (p *Params) add(s string, fromBody bool) *Error {
	inBody := map[string]bool(nil)
	err := SplitForm(s, func(key, val string) error {
		if _, seen := p.m[key]; seen {
			p.dup = append(p.dup, key)
			if !fromBody || inBody[key] {
				return nil // first value wins within one source
			}
		}
		if fromBody {
			if inBody == nil {
				inBody = make(map[string]bool)
			}
			inBody[key] = true
		}
		p.m[key] = val
		if len(p.m) > MaxParams {
			return WithMessage(CodeInvalidParameter, "The request has too many parameters: at most 100 are accepted.")
		}
		return nil
	})
	var fe *FormError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &fe) && fe.KeyBad:
		return WithMessage(CodeInvalidParameter, "The parameters of the request are not valid URL encoding.")
	case fe != nil:
		return WithMessage(CodeInvalidParameter, `The specified parameter "`+safeName(fe.Key)+`" is not valid URL encoding.`)
	}
	return asAPIError(err)
}

// safeName shortens a client-supplied name before it is echoed in a message.
func safeName(s string) string {
	if len(s) > 64 {
		s = s[:64]
	}
	return strings.ToValidUTF8(s, "?")
}

// sniffFormat finds the Format parameter of a request whose parameters did not parse, so
// that even that error is answered in the format asked for.
func sniffFormat(rawQuery string, body []byte) string {
	format := ""
	for _, s := range []string{rawQuery, string(body)} {
		for s != "" {
			var kv string
			kv, s, _ = strings.Cut(s, "&")
			if k, v, _ := strings.Cut(kv, "="); k == "Format" {
				if v, err := url.QueryUnescape(v); err == nil {
					format = v
				}
			}
		}
	}
	return format
}
