// Package synth generates deterministic synthetic inventories for benchmarks and load
// tests: the same options always give the same snapshot, byte for byte.
//
// The shape is meant to be realistic: three regions of unequal size, three accounts, about
// half of all rules naming another group (a few hub groups named by many), some
// cross-account rules, some rules naming groups that no longer exist, the rest CIDR rules.
package synth

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
)

// Options size the inventory.
type Options struct {
	Groups int   // security groups
	Rules  int   // rules per group
	Seed   int64 // random seed
	// Accounts spreads the groups over this many accounts, 100001, 100002, … in turn;
	// zero: account 123, one group in seven 456's.
	Accounts int
}

var (
	regions = []struct {
		id    string
		share float64
	}{{"cn-hangzhou", 0.6}, {"cn-shanghai", 0.3}, {"ap-southeast-1", 0.1}}
	ports = []string{"22/22", "80/80", "443/443", "3306/3306", "5432/5432", "6379/6379", "8080/8080", "9100/9100", "1/65535"}
)

// GroupID returns the ID of the i-th synthetic group.
func GroupID(i int) string { return fmt.Sprintf("sg-syn%08d", i) }

// owner returns the account of group i.
func (o Options) owner(i int) string {
	if o.Accounts > 0 {
		return strconv.Itoa(100001 + i%o.Accounts)
	}
	if i%7 == 3 {
		return "456"
	}
	return "123"
}

// Write writes the snapshot document to w.
func Write(w io.Writer, o Options) error {
	if o.Groups < 0 || o.Rules < 0 {
		return fmt.Errorf("synth: negative size %d groups × %d rules", o.Groups, o.Rules)
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	rng := rand.New(rand.NewPCG(uint64(o.Seed), 0x5347524546))
	// Regions are contiguous blocks of group numbers.
	bounds := make([]int, len(regions)+1)
	acc := 0.0
	for i, r := range regions {
		acc += r.share
		bounds[i+1] = int(acc * float64(o.Groups))
	}
	bounds[len(regions)] = o.Groups
	rule := 0
	bw.WriteString(`{"SecurityGroups":[`)
	for ri, reg := range regions {
		lo, hi := bounds[ri], bounds[ri+1]
		hubs := max((hi-lo)/100, 1)
		for i := lo; i < hi; i++ {
			if i > 0 {
				bw.WriteByte(',')
			}
			fmt.Fprintf(bw, `{"RegionId":%q,"OwnerId":%q,"SecurityGroupId":%q,"SecurityGroupName":"syn-%d","VpcId":"vpc-syn%s%d","SecurityGroupType":"normal"`,
				reg.id, o.owner(i), GroupID(i), i, o.owner(i), ri)
			if rng.IntN(10) != 0 {
				bw.WriteString(`,"EcsCount":` + strconv.Itoa(rng.IntN(6)))
			}
			bw.WriteString(`,"Permissions":{"Permission":[`)
			for k := 0; k < o.Rules; k++ {
				if k > 0 {
					bw.WriteByte(',')
				}
				rule++
				dir, peer, cidr := "ingress", "Source", "SourceCidrIp"
				if rng.IntN(10) < 3 {
					dir, peer, cidr = "egress", "Dest", "DestCidrIp"
				}
				fmt.Fprintf(bw, `{"SecurityGroupRuleId":"sgr-syn%09d","Direction":%q,`, rule, dir)
				target := lo + rng.IntN(hi-lo)
				if rng.IntN(10) < 3 {
					target = lo + rng.IntN(hubs)
				}
				switch x := rng.IntN(100); {
				case x < 45 && target != i: // same account or same-account-looking reference
					fmt.Fprintf(bw, `"%sGroupId":%q,`, peer, GroupID(target))
				case x < 50 && target != i: // cross-account, owner named
					fmt.Fprintf(bw, `"%sGroupId":%q,"%sGroupOwnerId":%q,`, peer, GroupID(target), peer, o.owner(target))
				case x < 52: // dangling: a group of a covered account that is gone
					fmt.Fprintf(bw, `"%sGroupId":"sg-gone%08d",`, peer, rng.IntN(o.Groups+1))
				case x < 53: // unverifiable: an account the inventory does not cover
					fmt.Fprintf(bw, `"%sGroupId":"sg-ext%08d","%sGroupOwnerId":"999",`, peer, rng.IntN(o.Groups+1), peer)
				default:
					fmt.Fprintf(bw, `"%s":"10.%d.%d.0/24",`, cidr, rng.IntN(256), rng.IntN(256))
				}
				policy := "Accept"
				if rng.IntN(20) == 0 {
					policy = "Drop"
				}
				fmt.Fprintf(bw, `"IpProtocol":"TCP","PortRange":%q,"Policy":%q,"Priority":"1"}`, ports[rng.IntN(len(ports))], policy)
			}
			bw.WriteString(`]}}`)
		}
	}
	bw.WriteString("]}\n")
	return bw.Flush()
}
