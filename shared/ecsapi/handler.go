package ecsapi

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"sgref/shared/refs"
)

// APIVersion is the ECS API version sgref speaks.
const APIVersion = "2014-05-26"

const (
	formatJSON = "JSON"
	formatXML  = "XML"
)

// Authenticator checks who sent a request. Implementations verify ECS signatures; the
// Caller they return scopes what the request may see.
type Authenticator interface {
	Authenticate(ctx context.Context, req *Request, p Params) (Caller, error)
}

// Caller is the identity a request acts as. The zero Caller is unscoped.
type Caller struct {
	AccountID string
	// Accounts are every account the caller may act for when it has several (a key's
	// AliUids), AccountID first; nil for one. A request naming one of them as OwnerId
	// acts for that one alone.
	Accounts []string
}

// actsFor reports whether the caller may act for the account.
func (c Caller) actsFor(account string) bool {
	return c.AccountID == account || slices.Contains(c.Accounts, account)
}

// Options configure a Handler. The zero value is usable.
type Options struct {
	Logger *slog.Logger  // where internal errors are logged; slog.Default() when nil
	Auth   Authenticator // nil: no authentication, no scoping
	// RequestID returns a new request ID; an upper-case random UUID when nil. Tests set
	// it to get reproducible envelopes.
	RequestID func() string
	// Actions are answered beside sgref's own: the fault-injection actions
	// (FaultActions), the local emulator's (package ecsemu). A name given twice, or one
	// sgref answers already, panics NewHandler.
	Actions []Action
}

// Action is an action a Handler answers beside its own. Serve returns the answer's
// envelope (a struct with an XMLName, rendered as JSON or XML as the request asks) or an
// error; an error that is not an *Error is answered as InternalError and logged.
type Action struct {
	Name    string
	Version string // the API version the action belongs to; APIVersion when empty
	Serve   func(ctx context.Context, c *Call) (any, error)
}

// Handler serves the ECS API from a reference index. It is safe for concurrent use.
type Handler struct {
	index   refs.Provider
	opts    Options
	actions map[string]route
}

// route is an action and the API version it belongs to.
type route struct {
	fn      func(ctx context.Context, c *Call) (any, error)
	version string
}

// Call is one request in flight through the handler, as an action sees it.
type Call struct {
	req       *Request
	action    string // once routed
	params    Params
	requestID string
	format    string
	caller    Caller
	index     *refs.Index
	age       time.Duration // of the data answering, since its capture (aged: known)
	aged      bool
}

// NewHandler returns a Handler answering from the index p provides.
func NewHandler(p refs.Provider, opts Options) *Handler {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.RequestID == nil {
		opts.RequestID = newRequestID
	}
	h := &Handler{index: p, opts: opts}
	h.actions = map[string]route{
		"DescribeSecurityGroupReferences": {describeReferences, APIVersion},
		ActionDangling:                    {describeDangling, APIVersion},
		ActionRules:                       {describeRules, APIVersion},
		ActionPlan:                        {describePlan, APIVersion},
	}
	for _, a := range opts.Actions {
		if _, dup := h.actions[a.Name]; dup || a.Name == "" || a.Serve == nil {
			panic(fmt.Sprintf("ecsapi: action %q: no name, no Serve, or answered twice", a.Name))
		}
		h.actions[a.Name] = route{a.Serve, cmp.Or(a.Version, APIVersion)}
	}
	return h
}

// Serve answers one request. It never returns nil and never panics: a panic below it is
// logged and answered as InternalError. It decodes a base64 body and, when req.Log names a
// logger, writes the request's one log line there.
func (h *Handler) Serve(ctx context.Context, req *Request) (resp *Response) {
	l := req.Log
	if l.Logger != nil && l.Start.IsZero() {
		l.Start = time.Now()
	}
	c, bad := h.newCall(req)
	name := ""
	defer func() {
		if p := recover(); p != nil {
			resp = h.fail(c, name, fmt.Errorf("panic: %v\n%s", p, debug.Stack()))
		}
		resp.log(ctx, l, req.Method)
	}()
	if bad != nil {
		return h.fail(c, "", bad)
	}
	name, v, err := h.route(ctx, c)
	if err == nil {
		var body []byte
		var ctype string
		if body, ctype, err = render(v, c.format); err == nil {
			resp = &Response{Status: 200, ContentType: ctype, RequestID: c.requestID, Body: body, Action: name}
		}
	}
	if err != nil {
		resp = h.fail(c, name, err)
	}
	if c.aged { // the data's capture time is known: say how old it is, errors included
		resp.InventoryAge = max(c.age, time.Second).Round(time.Second)
	}
	return resp
}

// newCall starts a request: its ID, its body decoded, and the format Accept asks for until
// a Format parameter says otherwise. A body that does not decode is the call's error.
func (h *Handler) newCall(req *Request) (*Call, *Error) {
	c := &Call{req: req, requestID: h.opts.RequestID(), format: formatXML}
	if strings.Contains(headerValue(req.Header, "Accept"), "application/json") {
		c.format = formatJSON
	}
	d, err := req.decoded()
	if err != nil {
		// No parameters will be parsed: honour a Format the query asks for now.
		if f := sniffFormat(req.RawQuery, nil); strings.EqualFold(f, formatJSON) {
			c.format = formatJSON
		} else if strings.EqualFold(f, formatXML) {
			c.format = formatXML
		}
		return c, err
	}
	c.req = d
	return c, nil
}

// route runs the checks every action shares, in ECS's order (Format, Action, Version),
// then the action.
func (h *Handler) route(ctx context.Context, c *Call) (string, any, error) {
	params, perr := ParseParams(c.req.RawQuery, c.req.Body, headerValue(c.req.Header, "Content-Type"))
	if perr != nil {
		if strings.EqualFold(sniffFormat(c.req.RawQuery, c.req.Body), formatJSON) {
			c.format = formatJSON
		}
		return "", nil, perr
	}
	c.params = params
	if f, ok := params.Lookup("Format"); ok {
		switch {
		case strings.EqualFold(f, formatJSON):
			c.format = formatJSON
		case strings.EqualFold(f, formatXML):
			c.format = formatXML
		default:
			c.format = formatXML
			return "", nil, Errorf(CodeInvalidParameter, "Format")
		}
	}
	name, ok := params.Lookup("Action")
	if !ok {
		name = headerValue(c.req.Header, "X-Acs-Action")
	}
	if name == "" {
		return "", nil, Errorf(CodeMissingParameter, "Action")
	}
	rt, ok := h.actions[name]
	if !ok {
		return "", nil, Errorf(CodeInvalidAction)
	}
	c.action = name
	version, ok := params.Lookup("Version")
	if !ok {
		version = headerValue(c.req.Header, "X-Acs-Version")
		ok = version != ""
	}
	if ok && version != rt.version {
		return name, nil, Errorf(CodeInvalidParameter, "Action or Version")
	}
	if h.opts.Auth != nil {
		caller, err := h.opts.Auth.Authenticate(ctx, c.req, params)
		if err != nil {
			return name, nil, err
		}
		c.caller = caller
		if err := c.ownerMatches(); err != nil {
			return name, nil, err
		}
	}
	ix, err := h.index.Current(ctx)
	if err != nil {
		return name, nil, err
	}
	c.index = ix
	if at := ix.CapturedAt(); !at.IsZero() {
		c.age, c.aged = time.Since(at), true
	}
	v, err := rt.fn(ctx, c)
	return name, v, err
}

// ownerMatches refuses an authenticated request that names another account as its owner
// (OwnerId) or as the owner of the resources it reads (ResourceOwnerId): a key acts for
// its own accounts only. A key of several accounts naming one acts for that one alone.
func (c *Call) ownerMatches() error {
	if c.caller.AccountID == "" {
		return nil
	}
	for _, name := range [...]string{"ResourceOwnerId", "OwnerId"} {
		v := c.params.Get(name)
		if v == "" {
			continue
		}
		if !c.caller.actsFor(v) {
			return Errorf(CodeForbidden)
		}
		if c.caller.Accounts != nil {
			c.caller = Caller{AccountID: v}
		}
	}
	return nil
}

// fail renders err as an ECS error envelope. An error that is not an *Error is a bug or an
// outage: it is logged once with the request ID and answered with a generic message.
func (h *Handler) fail(c *Call, action string, err error) *Response {
	e := asAPIError(err)
	if e == nil {
		h.opts.Logger.Error("internal error", "RequestId", c.requestID, "action", action, "err", err)
		e = Errorf(CodeInternalError)
	}
	env := errorEnvelope{
		RequestId: c.requestID,
		HostId:    strings.ToValidUTF8(c.req.Host, "?"),
		Code:      e.Code,
		Message:   e.Message,
		Recommend: "https://api.aliyun.com/troubleshoot?q=" + url.QueryEscape(e.Code) + "&product=Ecs&requestId=" + c.requestID,
	}
	body, ctype, rerr := render(&env, c.format)
	if rerr != nil { // cannot happen for this struct of strings; keep a body anyway
		body, ctype = []byte(`{"Code":"InternalError"}`), ContentTypeJSON
	}
	return &Response{Status: e.Status, ContentType: ctype, RequestID: c.requestID, Body: body, Action: action, Code: e.Code}
}
