package ecslive

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"

	"sgref/shared/inventory"
)

const accountPageSize = 100 // ListAccounts' largest page

// Account is what the read of one account gave: its coverage record (captured, or
// missing with the error) and, captured, its groups.
type Account struct {
	inventory.AccountCoverage
	Groups []inventory.Group
}

// Progress is where a read of several accounts stands, for a person watching.
type Progress struct {
	Accounts, AccountsDone int // accounts to read, read (captured or failed)
	Groups                 int // groups read so far, of the accounts done
	Calls, Throttles       int64
	Done                   *Account // the account just finished; nil before the first
}

// OnProgress has fn called, serially, when the account list is known and after each
// account.
func (s *Source) OnProgress(fn func(Progress)) { s.progress.Store(&fn) }

// Throttles counts the calls answered Throttling.
func (s *Source) Throttles() int64 { return s.throttles.Load() }

// Groups counts the groups listed so far and those of them whose rules are read, over
// every read of the source.
func (s *Source) Groups() (read, listed int64) { return s.groupsRead.Load(), s.groupsListed.Load() }

// FetchAccounts reads every account of the spec, at most AccountConcurrency at once, each
// with its role assumed. An account that fails is returned as missing with its error;
// the error is for the account list itself (ListAccounts) and the caller's deadline.
// Accounts come sorted by ID.
func (s *Source) FetchAccounts(ctx context.Context) ([]Account, error) {
	if !s.multi() {
		return nil, errors.New("ecs: FetchAccounts needs accounts=… or accounts=directory")
	}
	var calls atomic.Int64
	ids := slices.Clone(s.opts.Accounts)
	if s.opts.Directory {
		var err error
		if ids, err = s.listAccounts(ctx, s.newConn(s.opts.Credentials, &calls)); err != nil {
			return nil, err
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	session := newSessionName(time.Now())
	out := make([]Account, len(ids))
	var mu sync.Mutex
	p := Progress{Accounts: len(ids)}
	report := func(a *Account) {
		mu.Lock()
		defer mu.Unlock()
		if a != nil {
			p.AccountsDone++
			p.Groups += a.AccountCoverage.Groups
		}
		p.Calls, p.Throttles, p.Done = s.calls.Load(), s.throttles.Load(), a
		if fn := s.progress.Load(); fn != nil {
			(*fn)(p)
		}
	}
	report(nil)
	sem := make(chan struct{}, s.opts.AccountConcurrency)
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				out[i] = Account{AccountCoverage: inventory.AccountCoverage{AccountId: id, Status: inventory.AccountMissing, Error: ctx.Err().Error()}}
				report(&out[i])
				return
			}
			defer func() { <-sem }()
			out[i] = s.readRole(ctx, id, session)
			report(&out[i])
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("ecs: %w", err)
	}
	return out, nil
}

// readRole reads one account through its assumed role.
func (s *Source) readRole(ctx context.Context, id, session string) Account {
	var calls atomic.Int64
	start := time.Now()
	groups, regions, err := s.readAccount(ctx, id, s.role(id, session, &calls), &calls)
	a := Account{AccountCoverage: inventory.AccountCoverage{AccountId: id, CapturedAt: start.UTC().Truncate(time.Second),
		Status: inventory.AccountCaptured, Regions: regions, Calls: int(calls.Load()), Seconds: time.Since(start).Seconds()}}
	if err != nil {
		a.Status, a.Error, a.CapturedAt, a.Regions = inventory.AccountMissing, Summary(err), time.Time{}, nil
		return a
	}
	a.Groups, a.AccountCoverage.Groups = groups, len(groups)
	for i := range groups {
		a.Rules += len(groups[i].Permissions.Permission)
	}
	return a
}

// listAccounts lists the Resource Directory's member accounts, every page.
func (s *Source) listAccounts(ctx context.Context, cn *conn) ([]string, error) {
	var ids []string
	for page := 1; ; page++ {
		params := map[string]string{"PageNumber": strconv.Itoa(page), "PageSize": strconv.Itoa(accountPageSize)}
		var out struct {
			TotalCount int
			Accounts   struct{ Account []struct{ AccountId string } }
		}
		if err := s.call(ctx, cn, "ResourceManager", "resourcemanager.aliyuncs.com", "2020-03-31", "ListAccounts", "", params, &out); err != nil {
			return nil, err
		}
		for _, a := range out.Accounts.Account {
			ids = append(ids, a.AccountId)
		}
		if len(out.Accounts.Account) == 0 || len(ids) >= out.TotalCount {
			return ids, nil
		}
		if page > 100_000/accountPageSize {
			return nil, errors.New("ecs: ListAccounts: more than 100 000 accounts")
		}
	}
}

// describeRegions lists the regions the account can read.
func (s *Source) describeRegions(ctx context.Context, cn *conn) ([]string, error) {
	var out struct {
		Regions struct{ Region []struct{ RegionId string } }
	}
	if err := s.call(ctx, cn, "Ecs", "", "2014-05-26", "DescribeRegions", s.opts.defaultRegion(), nil, &out); err != nil {
		return nil, err
	}
	var ids []string
	for _, r := range out.Regions.Region {
		ids = append(ids, r.RegionId)
	}
	slices.Sort(ids)
	return ids, nil
}

func (o Options) defaultRegion() string {
	if len(o.Regions) > 0 {
		return o.Regions[0]
	}
	return "cn-hangzhou"
}

// Summary is err in one line for a coverage record and a table: the call, and for an
// answer of the API its code, message and request ID (not the SDK's dump of headers).
// Redacted, as every error of the package.
func Summary(err error) string {
	var se *sdkerrors.ServerError
	if errors.As(err, &se) {
		msg := se.ErrorCode() + ": " + se.Message()
		if id := se.RequestId(); id != "" {
			msg += " (RequestId " + id + ")"
		}
		if call, _, ok := strings.Cut(err.Error(), "SDK.ServerError"); ok {
			msg = call + msg
		}
		return strings.Join(strings.Fields(redactString(msg)), " ")
	}
	return strings.Join(strings.Fields(redactString(err.Error())), " ")
}

// MultiAccount tells a source of several accounts (accounts=… or accounts=directory),
// which a capture reads account by account.
func (s *Source) MultiAccount() bool { return s.multi() }

// ReadAccounts is FetchAccounts in the shape capture.AccountSource takes.
func (s *Source) ReadAccounts(ctx context.Context, fn func(inventory.AccountCoverage, []inventory.Group) error) error {
	accounts, err := s.FetchAccounts(ctx)
	if err != nil {
		return err
	}
	for _, a := range accounts {
		if err := fn(a.AccountCoverage, a.Groups); err != nil {
			return err
		}
	}
	return nil
}
