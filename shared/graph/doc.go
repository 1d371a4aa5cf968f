// Package graph draws a security group's neighbourhood from the reference index: the
// groups around it as nodes (name, ID, account, EcsCount), the rules between them as
// labelled edges (direction, protocol and ports, Accept or Drop), rules naming groups the
// inventory lacks as nodes of their own, other accounts' groups set apart. It writes
// Graphviz DOT, Mermaid (for Markdown) and a self-contained SVG that any browser opens.
// A neighbourhood larger than the node limit is cut, and the drawing says what was left
// out.
//
//	g := graph.Neighbourhood(ix, r, seed, graph.Options{Depth: 2})
//	g.WriteSVG(os.Stdout)
package graph
