package stores

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"sgref/shared/internal/testkit"
	"sgref/shared/ossemu"
)

// BenchmarkRefreshUnchanged is one refresh of an unchanged object: a conditional GET
// answered 304. cpu-ns/op is this process's CPU time per refresh (user+system; for
// ossemu it includes the in-process server, for minio it is the client alone).
func BenchmarkRefreshUnchanged(b *testing.B) {
	ctx := context.Background()
	stores := map[string]Store{}
	fileSt, _, _ := Open(ctx, "file:"+b.TempDir()+"/", Options{})
	stores["file"] = fileSt

	emu := ossemu.New(ossRegion)
	emu.AddKey(ossKeyID, ossSecret, ossToken)
	emu.CreateBucket(ossBucket)
	srv := httptest.NewServer(emu)
	b.Cleanup(srv.Close)
	ossSt, _, err := Open(ctx, "oss://"+ossBucket+"/?region="+ossRegion+"&endpoint="+srv.URL,
		Options{OSSCredentials: func(context.Context) (Credentials, error) { return goodOSSCreds, nil }})
	if err != nil {
		b.Fatal(err)
	}
	stores["ossemu"] = ossSt

	m := testkit.StartMinIO(b)
	s3St, _, err := Open(ctx, m.Spec(""), Options{})
	if err != nil {
		b.Fatal(err)
	}
	stores["minio"] = s3St

	for _, name := range []string{"file", "ossemu", "minio"} {
		st := stores[name]
		b.Run(name, func(b *testing.B) {
			const key = "snapshot.json.gz"
			if err := st.Put(ctx, key, strings.NewReader(strings.Repeat("x", 1<<20)), "application/json", "gzip"); err != nil {
				b.Fatal(err)
			}
			rc, info, err := st.Get(ctx, key, "")
			if err != nil {
				b.Fatal(err)
			}
			rc.Close()
			b.ReportAllocs()
			cpu0 := cpuTime()
			b.ResetTimer()
			for b.Loop() {
				if _, _, err := st.Get(ctx, key, info.ETag); !errors.Is(err, ErrNotModified) {
					b.Fatalf("Get: %v, want ErrNotModified", err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkLoad reads a large snapshot-shaped object whole: base is the uncompressed
// bytes from a local file; the others are Get (+ gunzip through Decoded) from a store.
func BenchmarkLoad(b *testing.B) {
	ctx := context.Background()
	raw := snapshotLike(32 << 20)
	packed := gz(b, raw)
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "snapshot.json"), []byte(raw), 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "snapshot.json.gz"), packed, 0o644); err != nil {
		b.Fatal(err)
	}
	fileSt, _, _ := Open(ctx, "file:"+dir+"/", Options{})
	m := testkit.StartMinIO(b)
	s3St, _, err := Open(ctx, m.Spec(""), Options{})
	if err != nil {
		b.Fatal(err)
	}
	if err := s3St.Put(ctx, "snapshot.json.gz", strings.NewReader(string(packed)), "application/json", "gzip"); err != nil {
		b.Fatal(err)
	}
	if err := s3St.Put(ctx, "snapshot.json", strings.NewReader(raw), "application/json", ""); err != nil {
		b.Fatal(err)
	}
	b.Logf("object: %d bytes raw, %d gzip (%.1f%%)", len(raw), len(packed), 100*float64(len(packed))/float64(len(raw)))

	run := func(st Store, key string) func(*testing.B) {
		return func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				rc, info, err := st.Get(ctx, key, "")
				if err != nil {
					b.Fatal(err)
				}
				d, err := Decoded(rc, key, info, 1<<30)
				if err != nil {
					b.Fatal(err)
				}
				n, err := io.Copy(io.Discard, d)
				d.Close()
				if err != nil || n != int64(len(raw)) {
					b.Fatalf("read %d bytes, %v; want %d", n, err, len(raw))
				}
			}
		}
	}
	b.Run("base", run(fileSt, "snapshot.json"))
	b.Run("file-gzip", run(fileSt, "snapshot.json.gz"))
	b.Run("minio-plain", run(s3St, "snapshot.json"))
	b.Run("minio-gzip", run(s3St, "snapshot.json.gz"))
}

// snapshotLike returns about n bytes shaped like an ECS snapshot (ids, CIDRs, ports),
// so that gzip meets realistic redundancy.
func snapshotLike(n int) string {
	r := rand.New(rand.NewPCG(1, 2))
	var sb strings.Builder
	sb.WriteString(`{"SecurityGroups":[`)
	for i := 0; sb.Len() < n; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"SecurityGroupId":"sg-%012x","VpcId":"vpc-%08x","Permissions":[`, r.Uint64()&0xffffffffffff, r.Uint32())
		for j := range 10 {
			if j > 0 {
				sb.WriteByte(',')
			}
			fmt.Fprintf(&sb, `{"IpProtocol":"TCP","PortRange":"%d/%d","SourceCidrIp":"10.%d.%d.0/24","SourceGroupId":"sg-%012x","Policy":"Accept","Priority":"%d"}`,
				r.IntN(65535), r.IntN(65535), r.IntN(256), r.IntN(256), r.Uint64()&0xffffffffffff, 1+r.IntN(100))
		}
		sb.WriteString("]}")
	}
	sb.WriteString("]}")
	return sb.String()
}
