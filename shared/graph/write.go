package graph

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"
)

// WriteDOT writes the graph for Graphviz (dot -Tsvg): other accounts' groups in a
// cluster per account, groups the inventory lacks dashed.
func (g *Graph) WriteDOT(w io.Writer) error {
	bw := bufio.NewWriter(w)
	q := dotQuote
	fmt.Fprintf(bw, "digraph %s {\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n", q(g.Center))
	fmt.Fprintf(bw, "  label=%s;\n", q(g.caption()))
	byAccount := map[string][]Node{}
	for _, n := range g.Nodes {
		if n.Kind == OtherAccount {
			byAccount[n.Owner] = append(byAccount[n.Owner], n)
			continue
		}
		fmt.Fprintf(bw, "  %s [label=%s%s];\n", q(n.ID), q(strings.Join(n.title(), "\n")), dotStyle(n.Kind))
	}
	accounts := make([]string, 0, len(byAccount))
	for a := range byAccount {
		accounts = append(accounts, a)
	}
	slices.Sort(accounts)
	for i, a := range accounts {
		fmt.Fprintf(bw, "  subgraph cluster_%d {\n    label=%s; style=dashed;\n", i, q("account "+a))
		for _, n := range byAccount[a] {
			fmt.Fprintf(bw, "    %s [label=%s%s];\n", q(n.ID), q(strings.Join(n.title(), "\n")), dotStyle(n.Kind))
		}
		bw.WriteString("  }\n")
	}
	for _, e := range g.Edges {
		style := ""
		if e.Drop {
			style = `, color="#c0392b", fontcolor="#c0392b"`
		}
		fmt.Fprintf(bw, "  %s -> %s [label=%s%s];\n", q(e.From), q(e.To), q(strings.Join(e.label(), "\n")), style)
	}
	bw.WriteString("}\n")
	return bw.Flush()
}

// dotQuote quotes s as a DOT string: backslash and quote escaped, line breaks as \n
// (centred lines), everything else as it is (DOT reads UTF-8).
func dotQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", "").Replace(s) + `"`
}

func dotStyle(kind string) string {
	switch kind {
	case Center:
		return `, fillcolor="#fde68a", penwidth=2`
	case OtherAccount:
		return `, fillcolor="#dbeafe"`
	case Dangling:
		return `, style="rounded,dashed", color="#c0392b", fontcolor="#c0392b"`
	case Unverifiable:
		return `, style="rounded,dashed", color="#7f8c8d", fontcolor="#7f8c8d"`
	}
	return ""
}

// WriteMermaid writes the graph as a Mermaid flowchart in a ```mermaid fence, ready to
// paste into Markdown.
func (g *Graph) WriteMermaid(w io.Writer) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("```mermaid\nflowchart LR\n")
	ids := map[string]string{}
	for i, n := range g.Nodes {
		ids[n.ID] = fmt.Sprintf("n%d", i)
		fmt.Fprintf(bw, "  n%d[\"%s\"]:::%s\n", i, mermaidLines(n.title()), n.Kind)
	}
	for _, e := range g.Edges {
		arrow := "-->"
		if e.Drop {
			arrow = "-.->"
		}
		fmt.Fprintf(bw, "  %s %s|\"%s\"| %s\n", ids[e.From], arrow, mermaidLines(e.label()), ids[e.To])
	}
	bw.WriteString("  classDef center fill:#fde68a,stroke:#333,stroke-width:2px\n")
	bw.WriteString("  classDef group fill:#fff,stroke:#333\n")
	bw.WriteString("  classDef otheraccount fill:#dbeafe,stroke:#1d4ed8\n")
	bw.WriteString("  classDef dangling fill:#fff,stroke:#c0392b,stroke-dasharray:4 3,color:#c0392b\n")
	bw.WriteString("  classDef unverifiable fill:#fff,stroke:#7f8c8d,stroke-dasharray:4 3,color:#7f8c8d\n")
	bw.WriteString("```\n")
	if note := g.Note(); note != "" {
		fmt.Fprintf(bw, "\n%s\n", note)
	}
	return bw.Flush()
}

// mermaidLines joins lines into a quoted Mermaid label, each escaped (Mermaid's entity
// codes) so that no name ends the label or becomes markup.
func mermaidLines(lines []string) string {
	r := strings.NewReplacer(`"`, "#quot;", "|", "#124;", "<", "#lt;", ">", "#gt;", "&", "#amp;", "\n", " ", "`", "#96;")
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = r.Replace(l)
	}
	return strings.Join(out, "<br/>")
}

func (g *Graph) caption() string {
	c := fmt.Sprintf("%s in %s: arrows run from a group to the group its rule names (red: Drop)", g.Center, g.RegionId)
	if note := g.Note(); note != "" {
		c += "; " + note
	}
	return c
}

// Layout of the SVG drawing.
const (
	boxW, boxH   = 220, 54
	colGap       = 150
	rowGap       = 26
	margin       = 30
	headerHeight = 54
)

// WriteSVG writes the graph as one self-contained SVG document: a column per layer (the
// groups naming the center left of it, the groups it names right), arrows from a group
// to the group its rule names, labelled with the rules; Drop rules red, other accounts
// blue, groups the inventory lacks dashed.
func (g *Graph) WriteSVG(w io.Writer) error {
	minL, maxL := 0, 0
	for _, n := range g.Nodes {
		minL, maxL = min(minL, n.Layer), max(maxL, n.Layer)
	}
	rows := map[int]int{}
	type box struct{ x, y int }
	at := map[string]box{}
	tallest := 0
	for _, n := range g.Nodes {
		if _, dup := at[n.ID]; dup {
			continue
		}
		col := n.Layer - minL
		at[n.ID] = box{margin + col*(boxW+colGap), headerHeight + margin + rows[n.Layer]*(boxH+rowGap)}
		rows[n.Layer]++
		tallest = max(tallest, rows[n.Layer])
	}
	width := 2*margin + (maxL-minL+1)*boxW + (maxL-minL)*colGap
	height := headerHeight + 2*margin + max(tallest, 1)*(boxH+rowGap)
	width = max(width, 640)

	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="Helvetica, Arial, sans-serif">
<title>%s</title>
<defs>
<marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#444"/></marker>
<marker id="arrow-drop" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#c0392b"/></marker>
</defs>
<rect width="100%%" height="100%%" fill="#ffffff"/>
`, width, height, width, height, esc(g.Center+" in "+g.RegionId))
	fmt.Fprintf(bw, `<text x="%d" y="%d" font-size="15" font-weight="bold">%s</text>`+"\n", margin, 26, esc(g.Center+" in "+g.RegionId))
	legend := "arrows run from a group to the group its rule names · red dashed arrows: Drop · blue: another account · dashed boxes: not in the inventory"
	fmt.Fprintf(bw, `<text x="%d" y="%d" font-size="11" fill="#555">%s</text>`+"\n", margin, 44, esc(legend))
	if note := g.Note(); note != "" {
		fmt.Fprintf(bw, `<text x="%d" y="%d" font-size="11" fill="#c0392b">%s</text>`+"\n", margin, height-10, esc(note))
	}
	for _, e := range g.Edges {
		a, b := at[e.From], at[e.To]
		x1, y1 := a.x+boxW, a.y+boxH/2
		x2, y2 := b.x, b.y+boxH/2
		if b.x < a.x { // leftwards: leave from the left side, enter on the right
			x1, x2 = a.x, b.x+boxW
		} else if b.x == a.x { // same column: a loop out to the right
			x1, x2 = a.x+boxW, b.x+boxW
		}
		color, marker, dash := "#444", "arrow", ""
		if e.Drop {
			color, marker, dash = "#c0392b", "arrow-drop", ` stroke-dasharray="5 3"`
		}
		cx := (x1 + x2) / 2
		if x1 == x2 {
			cx = x1 + colGap/2
		}
		bend := 0
		if b.x < a.x { // back along a pair drawn the other way too: below it
			y1, y2, bend = y1+boxH/4, y2+boxH/4, boxH/2
		}
		fmt.Fprintf(bw, `<path d="M%d,%d C%d,%d %d,%d %d,%d" fill="none" stroke="%s" stroke-width="1.3"%s marker-end="url(#%s)"/>`+"\n",
			x1, y1, cx, y1+bend, cx, y2+bend, x2, y2, color, dash, marker)
		lines := e.label()
		ly := (y1+y2)/2 + bend*3/4 - 6*(len(lines)-1)
		for i, l := range lines {
			fmt.Fprintf(bw, `<text x="%d" y="%d" font-size="10" fill="%s" text-anchor="middle" stroke="#ffffff" stroke-width="3" paint-order="stroke">%s</text>`+"\n",
				cx, ly+12*i, color, esc(l))
		}
	}
	for _, n := range g.Nodes {
		p := at[n.ID]
		fill, stroke, dash, width := "#ffffff", "#333333", "", "1.2"
		switch n.Kind {
		case Center:
			fill, width = "#fde68a", "2.5"
		case OtherAccount:
			fill, stroke = "#dbeafe", "#1d4ed8"
		case Dangling:
			stroke, dash = "#c0392b", ` stroke-dasharray="5 3"`
		case Unverifiable:
			stroke, dash = "#7f8c8d", ` stroke-dasharray="5 3"`
		}
		fmt.Fprintf(bw, `<g><title>%s</title><rect x="%d" y="%d" width="%d" height="%d" rx="8" fill="%s" stroke="%s" stroke-width="%s"%s/>`,
			esc(strings.Join(n.title(), " · ")), p.x, p.y, boxW, boxH, fill, stroke, width, dash)
		for i, l := range n.title() {
			weight := ""
			if i == 0 {
				weight = ` font-weight="bold"`
			}
			fmt.Fprintf(bw, `<text x="%d" y="%d" font-size="11"%s>%s</text>`, p.x+10, p.y+16+i*14, weight, esc(clip(l, 34)))
		}
		bw.WriteString("</g>\n")
	}
	bw.WriteString("</svg>\n")
	return bw.Flush()
}

func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
