package ecslive

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
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
}

// ParseSpec reads an `ecs:` inventory setting:
//
//	ecs:?regions=cn-hangzhou,cn-shanghai[&endpoint=http://127.0.0.1:9000][&concurrency=8][&credentials=env|default]
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
	if len(o.Regions) == 0 {
		return Options{}, fmt.Errorf("inventory %q: no regions (ecs:?regions=cn-hangzhou,…)", spec)
	}
	return o, nil
}
