package ecsapi

import (
	"testing"
)

// BenchmarkDangling is one DescribeDanglingSecurityGroupReferences request for a whole
// region (cn-hangzhou: 60 000 groups, about 18 000 unresolved rules to classify) of the
// 100 000-group inventory, first page. The baseline is rendering the same response alone.
func BenchmarkDangling(b *testing.B) {
	benchAgainstRender(b, describeDangling,
		func(format string) string {
			return "Action=DescribeDanglingSecurityGroupReferences&RegionId=cn-hangzhou&Format=" + format
		},
		func(r *Response) bool { return r.Status == 200 && len(r.Body) >= 10_000 })
}
