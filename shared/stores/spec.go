package stores

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// ErrBadSpec marks a malformed store spec.
var ErrBadSpec = errors.New("bad store spec")

// Spec is a parsed store spec: Scheme "oss", "s3" or "file".
type Spec struct {
	Scheme string
	Bucket string // oss, s3
	Key    string // object key, or a prefix ending in "/", or empty
	Region string
	// Endpoint overrides the SDK's endpoint (a test server, a private endpoint).
	Endpoint  string
	Internal  bool   // oss: the region's internal (VPC) endpoint
	PathStyle bool   // s3: bucket in the path rather than the host name
	Dir       string // file: the directory holding Key
}

// maxKeyLen is OSS's and S3's limit on a key, in bytes.
const maxKeyLen = 1023

// ParseSpec parses oss://, s3:// and file: specs. Unknown or repeated parameters are
// refused rather than ignored: a misspelt "regoin" must not silently pick a default.
func ParseSpec(spec string) (Spec, error) {
	bad := func(format string, a ...any) (Spec, error) {
		return Spec{}, fmt.Errorf("%w %q: %s", ErrBadSpec, clip(spec), fmt.Sprintf(format, a...))
	}
	if p, ok := strings.CutPrefix(spec, "file:"); ok {
		switch {
		case p == "":
			return bad("empty path (want file:PATH)")
		case strings.HasPrefix(p, "//"):
			return bad("file: takes a path, not a URL (want file:/abs/path or file:rel/path)")
		case strings.IndexByte(p, 0) >= 0:
			return bad("path holds a NUL byte")
		}
		// A trailing "/" or a path ending in "." or ".." names a directory.
		c := filepath.Clean(p)
		if b := filepath.Base(p); strings.HasSuffix(p, "/") || b == "." || b == ".." || b == "/" {
			return Spec{Scheme: "file", Dir: c}, nil
		}
		return Spec{Scheme: "file", Dir: filepath.Dir(c), Key: filepath.Base(c)}, nil
	}
	scheme, _, ok := strings.Cut(spec, "://")
	if !ok || (scheme != "oss" && scheme != "s3") {
		return bad("want oss://BUCKET/KEY?region=…, s3://BUCKET/KEY?region=… or file:PATH")
	}
	u, err := url.Parse(spec)
	if err != nil {
		return bad("not a URL")
	}
	if u.User != nil {
		return bad("credentials do not belong in a spec")
	}
	if u.Fragment != "" || u.RawFragment != "" || strings.Contains(spec, "#") {
		return bad("unexpected fragment")
	}
	s := Spec{Scheme: scheme, Bucket: u.Host}
	if err := checkBucket(scheme, s.Bucket); err != nil {
		return bad("%v", err)
	}
	s.Key = strings.TrimPrefix(u.Path, "/")
	if err := checkKey(s.Key, true); err != nil {
		return bad("%v", err)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return bad("bad query")
	}
	allowed := map[string]bool{"region": true, "endpoint": true}
	if scheme == "oss" {
		allowed["internal"] = true
	} else {
		allowed["path_style"] = true
	}
	for name, vs := range q {
		if !allowed[name] {
			return bad("unknown parameter %q", clip(name))
		}
		if len(vs) != 1 {
			return bad("parameter %q given %d times", name, len(vs))
		}
		v := vs[0]
		switch name {
		case "region":
			if !validRegion(v) {
				return bad("bad region %q", clip(v))
			}
			s.Region = v
		case "endpoint":
			if err := checkEndpoint(v); err != nil {
				return bad("endpoint: %v", err)
			}
			s.Endpoint = v
		case "internal", "path_style":
			b, ok := map[string]bool{"true": true, "false": false}[v]
			if !ok {
				return bad("%s=%q: want true or false", name, clip(v))
			}
			s.Internal = s.Internal || (name == "internal" && b)
			s.PathStyle = s.PathStyle || (name == "path_style" && b)
		}
	}
	// OSS signs with the region (V4); S3 may take it from AWS_REGION instead.
	if scheme == "oss" && s.Region == "" {
		return bad("missing region (add ?region=cn-hangzhou or the bucket's region)")
	}
	if s.Internal && s.Endpoint != "" {
		return bad("internal=true and endpoint are exclusive")
	}
	return s, nil
}

// String formats s back into a spec that parses to s.
func (s Spec) String() string {
	if s.Scheme == "file" {
		if s.Key == "" {
			return "file:" + strings.TrimSuffix(s.Dir, "/") + "/"
		}
		return "file:" + filepath.Join(s.Dir, s.Key)
	}
	q := url.Values{}
	if s.Region != "" {
		q.Set("region", s.Region)
	}
	if s.Endpoint != "" {
		q.Set("endpoint", s.Endpoint)
	}
	if s.Internal {
		q.Set("internal", "true")
	}
	if s.PathStyle {
		q.Set("path_style", "true")
	}
	u := url.URL{Scheme: s.Scheme, Host: s.Bucket, Path: "/" + s.Key, RawQuery: q.Encode()}
	return u.String()
}

// object names one object of s for error messages: no query, so no endpoint details.
func (s Spec) object(key string) string {
	if s.Scheme == "file" {
		return filepath.Join(s.Dir, filepath.FromSlash(key))
	}
	return s.Scheme + "://" + s.Bucket + "/" + key
}

// checkBucket applies the naming rules both clouds share (OSS allows no dots).
func checkBucket(scheme, b string) error {
	if len(b) < 3 || len(b) > 63 {
		return fmt.Errorf("bucket %q: want 3 to 63 characters", clip(b))
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		ok := c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || (c == '.' && scheme == "s3")
		if !ok {
			return fmt.Errorf("bucket %q: only lower-case letters, digits and hyphens", clip(b))
		}
	}
	if !alnum(b[0]) || !alnum(b[len(b)-1]) {
		return fmt.Errorf("bucket %q: must start and end with a letter or digit", clip(b))
	}
	return nil
}

// checkKey refuses keys that would mean different objects to different stores: "." and
// ".." segments (a file store would leave its directory), empty segments, control bytes.
func checkKey(k string, prefixOK bool) error {
	if k == "" {
		if prefixOK {
			return nil
		}
		return errors.New("empty key")
	}
	if len(k) > maxKeyLen {
		return fmt.Errorf("key longer than %d bytes", maxKeyLen)
	}
	if !utf8.ValidString(k) {
		return errors.New("key is not UTF-8")
	}
	if strings.HasSuffix(k, "/") && !prefixOK {
		return fmt.Errorf("key %q names a prefix, not an object", clip(k))
	}
	for i, seg := range strings.Split(strings.TrimSuffix(k, "/"), "/") {
		if seg == "" || seg == "." || seg == ".." {
			return fmt.Errorf("key %q: empty, \".\" or \"..\" segment %d", clip(k), i+1)
		}
	}
	for _, r := range k {
		if r < 0x20 || r == 0x7f || r == '\\' {
			return fmt.Errorf("key %q: control character or backslash", clip(k))
		}
	}
	return nil
}

func checkEndpoint(v string) error {
	u, err := url.Parse(v)
	if err != nil || u.Scheme != "http" && u.Scheme != "https" {
		return errors.New("want an http:// or https:// URL")
	}
	if u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || (u.Path != "" && u.Path != "/") {
		return errors.New("want scheme://host[:port] only")
	}
	if u.Port() != "" && strings.Trim(u.Port(), "0123456789") != "" {
		return errors.New("bad port")
	}
	return nil
}

// validRegion accepts the ids both clouds use: cn-hangzhou, us-east-1, ap-southeast-1.
func validRegion(r string) bool {
	if len(r) < 2 || len(r) > 40 || r[0] == '-' || r[len(r)-1] == '-' {
		return false
	}
	for i := 0; i < len(r); i++ {
		if c := r[i]; !(alnum(c) || c == '-') {
			return false
		}
	}
	return true
}

func alnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

// clip keeps error messages short when a spec is long or hostile.
func clip(s string) string {
	const max = 120
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}
