package ossemu

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"hash/crc64"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Server is an http.Handler speaking enough of OSS for object reads and writes.
type Server struct {
	region string

	mu      sync.Mutex
	keys    map[string]key
	buckets map[string]map[string]*object
	delay   time.Duration
	deny    map[string]bool // "METHOD bucket/key"
	stats   Stats

	// MaxObjectSize bounds a PUT body; larger ones get EntityTooLarge.
	MaxObjectSize int64
	// Now is the server's clock, for the request-time check.
	Now func() time.Time
}

type key struct{ secret, token string }

type object struct {
	data            []byte
	etag            string
	contentType     string
	contentEncoding string
	modified        time.Time
	crc             uint64
}

// Stats count what the server did, so tests can tell a 304 from a download.
type Stats struct {
	Requests  int
	BodyBytes int64 // object bytes written in GET responses
	Puts      int   // objects stored
}

// maxSkew is how far a request's x-oss-date may be from the server's clock, as OSS.
const maxSkew = 15 * time.Minute

var crcTable = crc64.MakeTable(crc64.ECMA)

// New returns a server for one region: requests signed for another are refused.
func New(region string) *Server {
	return &Server{
		region:        region,
		keys:          map[string]key{},
		buckets:       map[string]map[string]*object{},
		deny:          map[string]bool{},
		MaxObjectSize: 1 << 30,
		Now:           time.Now,
	}
}

// AddKey accepts an AccessKey; a non-empty token makes it temporary (STS): requests must
// then carry it in x-oss-security-token.
func (s *Server) AddKey(id, secret, token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys[id] = key{secret: secret, token: token}
}

// CreateBucket adds an empty bucket (no-op if it exists).
func (s *Server) CreateBucket(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.buckets[name] == nil {
		s.buckets[name] = map[string]*object{}
	}
}

// SetObject stores data directly, as if PUT (a test planting a truncated or hostile object).
func (s *Server) SetObject(bucket, k string, data []byte, contentEncoding string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.store(bucket, k, data, "application/octet-stream", contentEncoding)
}

// DeleteObject removes an object directly.
func (s *Server) DeleteObject(bucket, k string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.buckets[bucket], k)
}

// Deny makes requests of method on bucket/key answer 403 AccessDenied, as a RAM policy
// without that action would.
func (s *Server) Deny(method, bucket, k string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deny[method+" "+bucket+"/"+k] = true
}

// SetDelay holds every response back by d (a slow store); the wait ends early when the
// client goes away.
func (s *Server) SetDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// Stats returns the counters so far.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

func (s *Server) store(bucket, k string, data []byte, ct, ce string) *object {
	sum := md5.Sum(data)
	o := &object{
		data:            data,
		etag:            `"` + strings.ToUpper(hex.EncodeToString(sum[:])) + `"`,
		contentType:     ct,
		contentEncoding: ce,
		modified:        s.Now().UTC().Truncate(time.Second),
		crc:             crc64.Checksum(data, crcTable),
	}
	if s.buckets[bucket] == nil {
		s.buckets[bucket] = map[string]*object{}
	}
	s.buckets[bucket][k] = o
	s.stats.Puts++
	return o
}

// ossError is OSS's XML error body.
type ossError struct {
	XMLName      xml.Name `xml:"Error"`
	Code         string   `xml:"Code"`
	Message      string   `xml:"Message"`
	RequestID    string   `xml:"RequestId"`
	HostID       string   `xml:"HostId"`
	Key          string   `xml:"Key,omitempty"`
	StringToSign string   `xml:"StringToSign,omitempty"`
	EC           string   `xml:"EC"`
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := requestID()
	w.Header().Set("x-oss-request-id", reqID)
	w.Header().Set("Server", "AliyunOSS")
	fail := func(status int, code, msg string, extra func(*ossError)) {
		e := ossError{Code: code, Message: msg, RequestID: reqID, HostID: r.Host, EC: "0000-00000000"}
		if extra != nil {
			extra(&e)
		}
		body, _ := xml.Marshal(e)
		body = append([]byte(xml.Header), body...)
		w.Header().Set("Content-Type", "application/xml")
		w.Header().Set("x-oss-ec", e.EC)
		if r.Method == http.MethodHead {
			// HEAD has no body: OSS sends the error in a header.
			w.Header().Set("x-oss-err", base64.StdEncoding.EncodeToString(body))
			w.WriteHeader(status)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(status)
		w.Write(body)
	}

	s.mu.Lock()
	s.stats.Requests++
	delay := s.delay
	s.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}

	bucket, objKey, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	var body []byte
	if r.Method == http.MethodPut {
		var err error
		body, err = io.ReadAll(http.MaxBytesReader(w, r.Body, s.MaxObjectSize))
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				fail(http.StatusBadRequest, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size.", nil)
			}
			// A body cut short (a client that gave up) stores nothing.
			return
		}
	}
	if code, msg, sts := s.verify(r, bucket, objKey, body); code != "" {
		fail(http.StatusForbidden, code, msg, func(e *ossError) { e.StringToSign = sts })
		return
	}

	s.mu.Lock()
	objs, ok := s.buckets[bucket]
	denied := s.deny[r.Method+" "+bucket+"/"+objKey]
	s.mu.Unlock()
	switch {
	case !ok:
		fail(http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist.", nil)
		return
	case objKey == "":
		fail(http.StatusNotImplemented, "NotImplemented", "Bucket operations are not emulated.", nil)
		return
	case denied:
		fail(http.StatusForbidden, "AccessDenied", "You have no right to access this object because of bucket acl.", nil)
		return
	}

	switch r.Method {
	case http.MethodGet, http.MethodHead:
		s.mu.Lock()
		o := objs[objKey]
		s.mu.Unlock()
		if o == nil {
			fail(http.StatusNotFound, "NoSuchKey", "The specified key does not exist.", func(e *ossError) { e.Key = objKey })
			return
		}
		h := w.Header()
		h.Set("ETag", o.etag)
		h.Set("Last-Modified", o.modified.Format(http.TimeFormat))
		if etagMatch(r.Header.Get("If-None-Match"), o.etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		h.Set("Content-Type", o.contentType)
		if o.contentEncoding != "" {
			h.Set("Content-Encoding", o.contentEncoding)
		}
		h.Set("Content-Length", strconv.Itoa(len(o.data)))
		h.Set("x-oss-hash-crc64ecma", strconv.FormatUint(o.crc, 10))
		h.Set("x-oss-object-type", "Normal")
		w.WriteHeader(http.StatusOK)
		if r.Method == http.MethodGet {
			n, _ := w.Write(o.data)
			s.mu.Lock()
			s.stats.BodyBytes += int64(n)
			s.mu.Unlock()
		}
	case http.MethodPut:
		if md := r.Header.Get("Content-MD5"); md != "" {
			sum := md5.Sum(body)
			if md != base64.StdEncoding.EncodeToString(sum[:]) {
				fail(http.StatusBadRequest, "InvalidDigest", "The Content-MD5 you specified is not valid.", nil)
				return
			}
		}
		ct := r.Header.Get("Content-Type")
		if ct == "" {
			ct = "application/octet-stream"
		}
		s.mu.Lock()
		o := s.store(bucket, objKey, body, ct, r.Header.Get("Content-Encoding"))
		s.mu.Unlock()
		w.Header().Set("ETag", o.etag)
		w.Header().Set("x-oss-hash-crc64ecma", strconv.FormatUint(o.crc, 10))
		w.WriteHeader(http.StatusOK)
	case http.MethodDelete:
		s.DeleteObject(bucket, objKey)
		w.WriteHeader(http.StatusNoContent)
	default:
		fail(http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.", nil)
	}
}

// verify checks a request's V4 signature; it returns OSS's error code and message, and
// the string to sign it expected (OSS returns it to help debug a client), or "" if good.
func (s *Server) verify(r *http.Request, bucket, objKey string, body []byte) (code, msg, sts string) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "AccessDenied", "You have no right to access this object because of bucket acl.", ""
	}
	a, err := parseAuthV4(h)
	if err != nil {
		return "InvalidArgument", err.Error(), ""
	}
	s.mu.Lock()
	k, ok := s.keys[a.AccessKeyID]
	now := s.Now()
	s.mu.Unlock()
	if !ok {
		return "InvalidAccessKeyId", "The OSS Access Key Id you provided does not exist in our records.", ""
	}
	datetime := r.Header.Get("x-oss-date")
	t, err := time.Parse(dateTimeFormat, datetime)
	if err != nil {
		return "AccessDenied", "Invalid x-oss-date.", ""
	}
	if d := now.Sub(t); d > maxSkew || d < -maxSkew {
		return "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.", ""
	}
	if a.Date != t.UTC().Format("20060102") || a.Region != s.region || a.Product != "oss" {
		return "SignatureDoesNotMatch", "Invalid signing scope (date, region or product).", ""
	}
	if k.token != "" && r.Header.Get("x-oss-security-token") != k.token {
		return "InvalidSecurityToken", "The security token you provided is invalid.", ""
	}
	if p := r.Header.Get("x-oss-content-sha256"); p != "" && p != unsignedPayload {
		sum := sha256.Sum256(body)
		if p != hex.EncodeToString(sum[:]) {
			return "SignatureDoesNotMatch", "The request body does not match x-oss-content-sha256.", ""
		}
	}
	scope := a.Date + "/" + a.Region + "/" + a.Product + "/aliyun_v4_request"
	sts = stringToSign(datetime, scope, canonicalRequest(r, bucket, objKey, a.AdditionalHeaders))
	want := signature(k.secret, a.Date, a.Region, a.Product, sts)
	if !hmac.Equal([]byte(want), []byte(a.Signature)) {
		return "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.", sts
	}
	return "", "", ""
}

// etagMatch reports whether an If-None-Match list names etag (weak prefixes ignored, "*"
// matches any).
func etagMatch(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || (t != "" && t == etag) {
			return true
		}
	}
	return false
}

func requestID() string {
	var b [12]byte
	rand.Read(b[:])
	return strings.ToUpper(hex.EncodeToString(b[:]))
}
