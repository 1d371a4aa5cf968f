package ecslive

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"

	"sgref/shared/inventory"
)

// Page sizes: ECS's largest.
const (
	groupPageSize = 100
	rulePageSize  = 1000
)

// Source reads the inventory from ECS. It implements inventory.Source.
type Source struct {
	opts      Options
	calls     atomic.Int64
	throttles atomic.Int64
	// groupsListed and groupsRead count, across reads, the groups listed and those whose
	// rules are read: the progress of a long capture.
	groupsListed, groupsRead atomic.Int64
	assumed                  sync.Map // account → *assumedRole, reused across reads within their lifetime
	progress                 atomic.Pointer[func(Progress)]
}

// New returns a Source; zero options take their defaults.
func New(o Options) *Source {
	if o.Concurrency <= 0 {
		o.Concurrency = 8
	}
	if o.Retries <= 0 {
		o.Retries = 6
	}
	if o.Backoff <= 0 {
		o.Backoff = 200 * time.Millisecond
	}
	if o.CallTimeout <= 0 {
		o.CallTimeout = 10 * time.Second
	}
	if o.Credentials == nil {
		o.Credentials = Env{}
	}
	if o.AccountConcurrency <= 0 {
		o.AccountConcurrency = 4
	}
	if o.Role == "" {
		o.Role = DefaultRole
	}
	if o.Duration <= 0 {
		o.Duration = time.Hour
	}
	if o.RenewBefore <= 0 {
		o.RenewBefore = 5 * time.Minute
	}
	return &Source{opts: o}
}

func (s *Source) String() string {
	where := "Alibaba Cloud"
	if s.opts.Endpoint != "" {
		where = s.opts.Endpoint
	}
	regions := strings.Join(s.opts.Regions, ",")
	if s.opts.AllRegions {
		regions = "all"
	}
	switch {
	case s.opts.Directory:
		return fmt.Sprintf("live ECS (%s, the Resource Directory's accounts as role %s, regions %s)", where, s.opts.Role, regions)
	case len(s.opts.Accounts) > 0:
		return fmt.Sprintf("live ECS (%s, accounts %s as role %s, regions %s)", where, strings.Join(s.opts.Accounts, ","), s.opts.Role, regions)
	}
	return fmt.Sprintf("live ECS (%s, regions %s)", where, regions)
}

// Calls is the number of API calls made so far, retries included.
func (s *Source) Calls() int64 { return s.calls.Load() }

// Read fetches everything, then hands each group to fn. Nothing is handed over unless the
// whole read succeeded.
func (s *Source) Read(ctx context.Context, fn func(*inventory.Group) error) error {
	inv, err := s.Fetch(ctx)
	if err != nil {
		return err
	}
	for i := range inv.SecurityGroups {
		if err := fn(&inv.SecurityGroups[i]); err != nil {
			return err
		}
	}
	return nil
}

// Fetch reads the whole inventory of the configured regions.
func (s *Source) Fetch(ctx context.Context) (*inventory.Inventory, error) {
	inv := &inventory.Inventory{}
	if s.multi() {
		accounts, err := s.FetchAccounts(ctx)
		if err != nil {
			return nil, err
		}
		for _, a := range accounts {
			if a.Status != inventory.AccountCaptured {
				return nil, fmt.Errorf("ecs: account %s: %s", a.AccountId, a.Error)
			}
			inv.SecurityGroups = append(inv.SecurityGroups, a.Groups...)
		}
	} else {
		var calls atomic.Int64
		groups, _, err := s.readAccount(ctx, "", s.opts.Credentials, &calls)
		if err != nil {
			return nil, err
		}
		inv.SecurityGroups = groups
	}
	if err := inv.Validate(); err != nil {
		return nil, fmt.Errorf("ecs: %w", err)
	}
	return inv, nil
}

// readAccount reads every group of one account with the credentials creds gives: the
// caller's own account (asked of STS) when account is empty. It returns the groups and
// the regions read, counting its calls in calls.
func (s *Source) readAccount(ctx context.Context, account string, creds CredentialSource, calls *atomic.Int64) ([]inventory.Group, []string, error) {
	cn := s.newConn(creds, calls)
	if account == "" {
		var err error
		if account, err = s.account(ctx, cn); err != nil {
			return nil, nil, err
		}
	}
	regions := s.opts.Regions
	if s.opts.AllRegions {
		var err error
		if regions, err = s.describeRegions(ctx, cn); err != nil {
			return nil, nil, err
		}
	}
	// Regions are listed (groups, interface counts) at once, at most Concurrency of them;
	// then one pool of Concurrency workers reads every group's rules, so that no region's
	// tail waits for the next region's listing.
	lctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	listed := make([][]inventory.Group, len(regions))
	sem := make(chan struct{}, s.opts.Concurrency)
	var wg sync.WaitGroup
	for i, region := range regions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-lctx.Done():
				return
			}
			defer func() { <-sem }()
			rc := s.newConn(creds, calls)
			groups, err := s.groups(lctx, rc, region)
			if err == nil {
				err = s.countInterfaces(lctx, rc, region, groups)
			}
			if err != nil {
				cancel(err)
				return
			}
			for k := range groups {
				groups[k].RegionId, groups[k].OwnerId = region, account
			}
			listed[i] = groups
		}()
	}
	wg.Wait()
	if err := context.Cause(lctx); err != nil {
		return nil, nil, err
	}
	var all []inventory.Group
	for _, groups := range listed {
		all = append(all, groups...)
	}
	s.groupsListed.Add(int64(len(all)))
	if err := s.rules(ctx, creds, calls, all); err != nil {
		return nil, nil, err
	}
	return all, regions, nil
}

func (s *Source) client(c Credentials) (*sdk.Client, error) {
	cfg := sdk.NewConfig().WithAutoRetry(false).WithTimeout(s.opts.CallTimeout)
	var cred auth.Credential = credentials.NewAccessKeyCredential(c.AccessKeyID, c.AccessKeySecret)
	if c.SecurityToken != "" {
		cred = credentials.NewStsTokenCredential(c.AccessKeyID, c.AccessKeySecret, c.SecurityToken)
	}
	cl, err := sdk.NewClientWithOptions(s.opts.defaultRegion(), cfg, cred)
	if err != nil {
		return nil, fmt.Errorf("ecs: client: %w", redact(err))
	}
	if s.opts.Endpoint != "" {
		u, _ := url.Parse(s.opts.Endpoint)
		cl.SetNoProxy(u.Host) // an emulator or private endpoint is reached directly
	}
	return cl, nil
}

// account asks STS which account the credentials act for.
func (s *Source) account(ctx context.Context, c *conn) (string, error) {
	var out struct{ AccountId string }
	if err := s.call(ctx, c, "Sts", "sts.aliyuncs.com", "2015-04-01", "GetCallerIdentity", "", nil, &out); err != nil {
		return "", err
	}
	if out.AccountId == "" {
		return "", errors.New("ecs: GetCallerIdentity returned no AccountId")
	}
	return out.AccountId, nil
}

// groups lists every group of a region, all pages.
func (s *Source) groups(ctx context.Context, c *conn, region string) ([]inventory.Group, error) {
	var all []inventory.Group
	token := ""
	for page := 0; ; page++ {
		params := map[string]string{"RegionId": region, "MaxResults": strconv.Itoa(groupPageSize), "IsQueryEcsCount": "true"}
		if token != "" {
			params["NextToken"] = token
		}
		var out struct {
			NextToken      string
			SecurityGroups struct{ SecurityGroup []inventory.Group }
		}
		if err := s.call(ctx, c, "Ecs", "", "2014-05-26", "DescribeSecurityGroups", region, params, &out); err != nil {
			return nil, err
		}
		all = append(all, out.SecurityGroups.SecurityGroup...)
		if out.NextToken == "" {
			return all, nil
		}
		if out.NextToken == token || page > 1_000_000/groupPageSize {
			return nil, fmt.Errorf("ecs: DescribeSecurityGroups in %s: the NextToken does not advance", region)
		}
		token = out.NextToken
	}
}

// rules fills every group's rules, with at most Concurrency calls in flight. The first
// failure cancels the rest. Each worker has a client of its own: the SDK's Client is not
// safe for concurrent use (every call rewrites its shared http.Client's timeouts).
func (s *Source) rules(ctx context.Context, creds CredentialSource, calls *atomic.Int64, groups []inventory.Group) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	work := make(chan *inventory.Group)
	var wg sync.WaitGroup
	for range min(s.opts.Concurrency, max(len(groups), 1)) {
		c := s.newConn(creds, calls)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for g := range work {
				if err := s.groupRules(ctx, c, g); err != nil {
					cancel(err)
				} else {
					s.groupsRead.Add(1)
				}
			}
		}()
	}
feed:
	for i := range groups {
		select {
		case work <- &groups[i]:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return err
	}
	return nil
}

func (s *Source) groupRules(ctx context.Context, c *conn, g *inventory.Group) error {
	token := ""
	for page := 0; ; page++ {
		params := map[string]string{"RegionId": g.RegionId, "SecurityGroupId": g.SecurityGroupId, "Direction": "all", "MaxResults": strconv.Itoa(rulePageSize)}
		if token != "" {
			params["NextToken"] = token
		}
		var out struct {
			NextToken   string
			Permissions inventory.Permissions
		}
		if err := s.call(ctx, c, "Ecs", "", "2014-05-26", "DescribeSecurityGroupAttribute", g.RegionId, params, &out); err != nil {
			return err
		}
		g.Permissions.Permission = append(g.Permissions.Permission, out.Permissions.Permission...)
		if out.NextToken == "" {
			if g.Permissions.Permission == nil {
				g.Permissions.Permission = []inventory.Permission{}
			}
			return nil
		}
		if out.NextToken == token || page > 10_000 {
			return fmt.Errorf("ecs: DescribeSecurityGroupAttribute %s: the NextToken does not advance", g.SecurityGroupId)
		}
		token = out.NextToken
	}
}

// call makes one API call, retrying throttling, 5xx and network errors with jittered
// exponential backoff, and decodes the JSON answer into out. The SDK signs and sends;
// the answer is decoded here, into sgref's own model, because the SDK's structs lack
// fields ECS sends (SourceGroupOwnerId, DestGroupOwnerId).
func (s *Source) call(ctx context.Context, cn *conn, product, domain, version, action, region string, params map[string]string, out any) error {
	var last error
	for attempt := 0; attempt <= s.opts.Retries; attempt++ {
		if attempt > 0 {
			if err := sleep(ctx, s.backoff(attempt)); err != nil {
				return fmt.Errorf("ecs: %s: %w (last error: %v)", action, err, last)
			}
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("ecs: %s: %w", action, err)
		}
		req := requests.NewCommonRequest()
		req.Method = "POST"
		req.Product = product
		req.Version = version
		req.ApiName = action
		req.RegionId = region
		req.Domain = domain
		req.Scheme = "https"
		if s.opts.Endpoint != "" {
			u, _ := url.Parse(s.opts.Endpoint)
			req.Scheme, req.Domain = u.Scheme, u.Host
		}
		req.AcceptFormat = "JSON"
		for k, v := range params {
			req.QueryParams[k] = v
		}
		if dl, ok := ctx.Deadline(); ok {
			req.SetReadTimeout(max(time.Until(dl), time.Millisecond))
		}
		c, err := cn.client(ctx)
		if err != nil {
			return err
		}
		s.calls.Add(1)
		cn.calls.Add(1)
		resp, err := c.ProcessCommonRequest(req)
		err = redact(err)
		if err == nil {
			if err := json.Unmarshal(resp.GetHttpContentBytes(), out); err != nil {
				return fmt.Errorf("ecs: %s: decode answer: %w", action, err)
			}
			return nil
		}
		last = err
		if throttled(err) {
			s.throttles.Add(1)
		}
		if expiredToken(err) && cn.renew() {
			continue // credentials that expired on the way: renewed, tried again
		}
		if !retryable(err) {
			return fmt.Errorf("ecs: %s: %w", action, err)
		}
	}
	return fmt.Errorf("ecs: %s: gave up after %d tries: %w", action, s.opts.Retries+1, last)
}

// backoff is "full jitter": uniform in [0, Backoff × 2^(attempt-1)], at most 10 s.
func (s *Source) backoff(attempt int) time.Duration {
	ceil := min(s.opts.Backoff<<(attempt-1), 10*time.Second)
	return time.Duration(rand.Int64N(int64(ceil) + 1))
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// retryable tells throttling, server-side failures and network errors from the errors
// that will not go away by trying again.
func throttled(err error) bool {
	var se *sdkerrors.ServerError
	return errors.As(err, &se) && strings.HasPrefix(se.ErrorCode(), "Throttling")
}

// expiredToken tells an answer refusing expired temporary credentials.
func expiredToken(err error) bool {
	var se *sdkerrors.ServerError
	return errors.As(err, &se) && se.ErrorCode() == "InvalidSecurityToken.Expired"
}

func retryable(err error) bool {
	var se *sdkerrors.ServerError
	if errors.As(err, &se) {
		return se.HttpStatus() >= 500 || strings.HasPrefix(se.ErrorCode(), "Throttling") || se.ErrorCode() == "ServiceUnavailable"
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	var ce *sdkerrors.ClientError
	return errors.As(err, &ce) // timeouts and connection failures surface as client errors
}
