package ecslive

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options configure a live source.
type Options struct {
	Regions     []string      // regions to read; at least one
	Endpoint    string        // scheme://host of ECS and STS, for an emulator or a private endpoint; "" for Alibaba Cloud's
	Concurrency int           // attribute calls in flight; 8 when zero
	Retries     int           // retries per call after the first try; 6 when zero
	Backoff     time.Duration // first retry's mean delay, doubling; 200ms when zero
	CallTimeout time.Duration // one API call; 10s when zero
	Credentials CredentialSource

	// Several accounts: each read with the role Role assumed in it (STS AssumeRole with
	// Credentials). None of them set: the credentials' own account alone.
	Accounts           []string      // listed accounts
	Directory          bool          // the Resource Directory's member accounts (ListAccounts)
	AllRegions         bool          // each account's regions from DescribeRegions; Regions unused
	Role               string        // the role's name in every account; DefaultRole when empty
	AccountConcurrency int           // accounts read at once; 4 when zero
	Duration           time.Duration // asked lifetime of role credentials; 1h when zero
	RenewBefore        time.Duration // renew role credentials this long before they expire; 5m when zero
}

// DefaultRole is the role a multi-account read assumes when the spec names none.
const DefaultRole = "sgref-reader"

// ParseSpec reads an `ecs:` inventory setting:
//
//	ecs:?regions=cn-hangzhou,cn-shanghai|all[&accounts=self|directory|123,456][&role=sgref-reader]
//	    [&endpoint=http://127.0.0.1:9000][&concurrency=8][&accountconcurrency=4][&credentials=env|default]
func ParseSpec(spec string) (Options, error) {
	rest, ok := strings.CutPrefix(spec, "ecs:")
	if !ok {
		return Options{}, fmt.Errorf("inventory %q: not an ecs: source", spec)
	}
	q, err := url.ParseQuery(strings.TrimPrefix(rest, "?"))
	if err != nil {
		return Options{}, fmt.Errorf("inventory %q: %w", spec, err)
	}
	var o Options
	for k, v := range q {
		val := v[0]
		switch k {
		case "regions":
			if val == "all" {
				o.AllRegions = true
				continue
			}
			for _, r := range strings.Split(val, ",") {
				if r = strings.TrimSpace(r); r != "" {
					o.Regions = append(o.Regions, r)
				}
			}
		case "endpoint":
			u, err := url.Parse(val)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return Options{}, fmt.Errorf("inventory %q: endpoint %q: want http(s)://host[:port]", spec, val)
			}
			o.Endpoint = u.Scheme + "://" + u.Host
		case "concurrency":
			if o.Concurrency, err = strconv.Atoi(val); err != nil || o.Concurrency < 1 || o.Concurrency > 64 {
				return Options{}, fmt.Errorf("inventory %q: concurrency %q: want 1..64", spec, val)
			}
		case "accounts":
			switch val {
			case "self":
			case "directory":
				o.Directory = true
			default:
				for _, a := range strings.Split(val, ",") {
					if a = strings.TrimSpace(a); !accountID().MatchString(a) {
						return Options{}, fmt.Errorf("inventory %q: account %q: want self, directory or account IDs (digits) separated by commas", spec, a)
					}
					o.Accounts = append(o.Accounts, a)
				}
			}
		case "role":
			if !roleName().MatchString(val) {
				return Options{}, fmt.Errorf("inventory %q: role %q: want a RAM role name (letters, digits, '.', '-', '_', up to 64)", spec, val)
			}
			o.Role = val
		case "accountconcurrency":
			if o.AccountConcurrency, err = strconv.Atoi(val); err != nil || o.AccountConcurrency < 1 || o.AccountConcurrency > 64 {
				return Options{}, fmt.Errorf("inventory %q: accountconcurrency %q: want 1..64", spec, val)
			}
		case "credentials":
			switch val {
			case "env":
			case "default":
				o.Credentials = DefaultChain{}
			default:
				return Options{}, fmt.Errorf("inventory %q: credentials %q: want env or default", spec, val)
			}
		default:
			return Options{}, fmt.Errorf("inventory %q: unknown option %q", spec, k)
		}
	}
	if len(o.Regions) == 0 && !o.AllRegions {
		return Options{}, fmt.Errorf("inventory %q: no regions (ecs:?regions=cn-hangzhou,…)", spec)
	}
	return o, nil
}

var (
	// Compiled on first use, not at every cold start.
	accountID = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]{1,32}$`) })
	roleName  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`) })
)

// multi tells a read of several accounts, each through an assumed role.
func (s *Source) multi() bool { return s.opts.Directory || len(s.opts.Accounts) > 0 }

// SetBackoff sets the first retry's mean delay, for tests that inject faults.
func (s *Source) SetBackoff(d time.Duration) { s.opts.Backoff = d }
