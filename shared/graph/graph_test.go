package graph_test

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sgref/shared/graph"
	"sgref/shared/internal/golden"
	"sgref/shared/internal/testkit"
	"sgref/shared/inventory"
	"sgref/shared/refs"
)

func seedGraph(t testing.TB, id string, o graph.Options) *graph.Graph {
	ix := refs.Build(testkit.Sample(t))
	region, _ := ix.RegionOf(id)
	r, _ := ix.Region(region)
	p, _ := r.Lookup(id)
	return graph.Neighbourhood(ix, r, p, o)
}

func TestGolden(t *testing.T) {
	for name, tc := range map[string]struct {
		id    string
		o     graph.Options
		write func(*graph.Graph, io.Writer) error
	}{
		"seed.svg":          {"sg-1133aa", graph.Options{}, (*graph.Graph).WriteSVG},
		"seed.dot":          {"sg-1133aa", graph.Options{}, (*graph.Graph).WriteDOT},
		"seed.mermaid":      {"sg-1133aa", graph.Options{}, (*graph.Graph).WriteMermaid},
		"classic-2.svg":     {"sg-classic01", graph.Options{Depth: 2}, (*graph.Graph).WriteSVG},
		"classic-2.mermaid": {"sg-classic01", graph.Options{Depth: 2}, (*graph.Graph).WriteMermaid},
		"monitor-cut.dot":   {"sg-monitor01", graph.Options{Depth: 2, Limit: 4}, (*graph.Graph).WriteDOT},
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tc.write(seedGraph(t, tc.id, tc.o), &buf); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, name, buf.Bytes())
			if strings.HasSuffix(name, ".svg") {
				if err := xml.Unmarshal(buf.Bytes(), new(struct{})); err != nil {
					t.Fatalf("not well-formed XML: %v", err)
				}
			}
		})
	}
}

// TestNeighbourhood: what the seed's picture holds, and the cut at the node limit.
func TestNeighbourhood(t *testing.T) {
	g := seedGraph(t, "sg-monitor01", graph.Options{})
	var nodes []string
	for _, n := range g.Nodes {
		nodes = append(nodes, n.ID+":"+n.Kind+fmt.Sprint(n.Layer))
	}
	want := "sg-monitor01:center0 sg-2255cc:group1 sg-cache001:group1 sg-db0001:group1 sg-deleted77:dangling1"
	if got := strings.Join(nodes, " "); got != want {
		t.Errorf("nodes %s, want %s", got, want)
	}
	cut := seedGraph(t, "sg-1133aa", graph.Options{Depth: 3, Limit: 3})
	if len(cut.Nodes) < 3 || cut.Omitted == 0 || !strings.Contains(cut.Note(), "left out") {
		t.Errorf("cut: %d nodes, %d omitted, note %q", len(cut.Nodes), cut.Omitted, cut.Note())
	}
}

// TestHostileNames: names from the inventory never break out of their label.
func TestHostileNames(t *testing.T) {
	bad := `a"b</text><script>x</script>|c` + "\n" + `\d&e`
	inv := &inventory.Inventory{SecurityGroups: []inventory.Group{
		{RegionId: "r", OwnerId: "1", SecurityGroupId: "sg-a", SecurityGroupName: bad},
		{RegionId: "r", OwnerId: "1", SecurityGroupId: "sg-b", SecurityGroupName: bad, Permissions: inventory.Permissions{Permission: []inventory.Permission{
			{Direction: "ingress", SourceGroupId: "sg-a", PortRange: bad}}}},
	}}
	ix := refs.Build(inv)
	r, _ := ix.Region("r")
	g := graph.Neighbourhood(ix, r, 0, graph.Options{})
	var svg, mm, dot bytes.Buffer
	g.WriteSVG(&svg)
	g.WriteMermaid(&mm)
	g.WriteDOT(&dot)
	if err := xml.Unmarshal(svg.Bytes(), new(struct{})); err != nil || strings.Contains(svg.String(), "<script") {
		t.Errorf("SVG: %v\n%s", err, svg.String())
	}
	if strings.Contains(mm.String(), "<script") || strings.Count(mm.String(), `"`)%2 != 0 {
		t.Errorf("Mermaid:\n%s", mm.String())
	}
	for _, line := range strings.Split(strings.TrimSpace(dot.String()), "\n") {
		if strings.Count(strings.ReplaceAll(line, `\"`, ""), `"`)%2 != 0 {
			t.Errorf("DOT line with an open quote: %s", line)
		}
	}
}

// TestSVGInBrowser opens the seed's SVG in headless Chromium and checks it renders (a
// screenshot with something drawn). Chromium comes from Debian's package "chromium";
// without it the test skips, except in CI (CI=true), where it fails.
func TestSVGInBrowser(t *testing.T) {
	bin := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium not found: CI installs Debian's package chromium")
		}
		t.Skip("chromium not installed (apt-get install chromium)")
	}
	dir := t.TempDir()
	svg := filepath.Join(dir, "seed.svg")
	f, err := os.Create(svg)
	if err != nil {
		t.Fatal(err)
	}
	if err := seedGraph(t, "sg-classic01", graph.Options{Depth: 2}).WriteSVG(f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	png := filepath.Join(dir, "seed.png")
	cmd := exec.Command(bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir="+filepath.Join(dir, "profile"),
		"--window-size=1400,700", "--screenshot="+png, "file://"+svg)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	st, err := os.Stat(png)
	if err != nil || st.Size() < 10_000 { // a blank page's PNG is a few kB
		t.Fatalf("screenshot %v, %d bytes: nothing drawn?", err, st.Size())
	}
}
