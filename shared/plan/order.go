package plan

import (
	"container/heap"
	"math/bits"
	"slices"
)

// orderSet returns an order of deletion of the n groups of the set (indices into it), the
// edges to cut (indices into edges) so that every other edge from→to has from before to,
// and whether the cut is the cheapest there is. Edges are given by position; in maps a
// position to its index in the set.
func orderSet(n int, in map[int32]int, edges []edge) (order []int, cut []int, exact bool) {
	type arc struct{ to, e int }
	adj := make([][]arc, n)
	for i, e := range edges {
		adj[in[e.from]] = append(adj[in[e.from]], arc{in[e.to], i})
	}
	exact = true
	isCut := make([]bool, len(edges))
	for _, comp := range components(n, func(v int, visit func(int)) {
		for _, a := range adj[v] {
			visit(a.to)
		}
	}) {
		if len(comp) < 2 {
			continue
		}
		local := make(map[int]int, len(comp))
		for k, v := range comp {
			local[v] = k
		}
		m := len(comp)
		w := make([][]int, m) // w[a][b]: cost of a's rules naming b
		for a := range w {
			w[a] = make([]int, m)
		}
		for _, v := range comp {
			for _, a := range adj[v] {
				if b, ok := local[a.to]; ok {
					w[local[v]][b] += edges[a.e].cost
				}
			}
		}
		var seq []int
		if m <= exactLimit {
			seq = cheapestOrder(w)
		} else {
			seq, exact = greedyOrder(w), false
		}
		rank := make([]int, m)
		for k, v := range seq {
			rank[v] = k
		}
		for _, v := range comp {
			for _, a := range adj[v] {
				if b, ok := local[a.to]; ok && rank[b] < rank[local[v]] {
					isCut[a.e] = true
				}
			}
		}
	}
	for i := range edges {
		if isCut[i] {
			cut = append(cut, i)
		}
	}
	// Kahn's algorithm on what is left, smallest index (ID order) first among the ready.
	indeg := make([]int, n)
	for i, e := range edges {
		if !isCut[i] {
			indeg[in[e.to]]++
		}
	}
	ready := &intHeap{}
	for v := range n {
		if indeg[v] == 0 {
			heap.Push(ready, v)
		}
	}
	for ready.Len() > 0 {
		v := heap.Pop(ready).(int)
		order = append(order, v)
		for _, a := range adj[v] {
			if isCut[a.e] {
				continue
			}
			if indeg[a.to]--; indeg[a.to] == 0 {
				heap.Push(ready, a.to)
			}
		}
	}
	return order, cut, exact
}

// cheapestOrder returns the order of the m ≤ exactLimit vertices that minimizes the
// cost of the edges pointing backwards (w[a][b] with b before a), by dynamic programming
// over the sets of vertices placed first.
func cheapestOrder(w [][]int) []int {
	m := len(w)
	full := 1<<m - 1
	const inf = int(^uint(0) >> 2)
	dp := make([]int, full+1)
	prev := make([]int8, full+1)
	for i := 1; i <= full; i++ {
		dp[i] = inf
	}
	for mask := 0; mask < full; mask++ {
		if dp[mask] == inf {
			continue
		}
		for v := range m {
			if mask&(1<<v) != 0 {
				continue
			}
			c := dp[mask]
			for rest := mask; rest != 0; rest &= rest - 1 {
				c += w[v][bits.TrailingZeros(uint(rest))]
			}
			if next := mask | 1<<v; c < dp[next] {
				dp[next], prev[next] = c, int8(v)
			}
		}
	}
	seq := make([]int, 0, m)
	for mask := full; mask != 0; mask &^= 1 << prev[mask] {
		seq = append(seq, int(prev[mask]))
	}
	slices.Reverse(seq)
	return seq
}

// greedyOrder is the heuristic of Eades, Lin and Smyth for large cycles: sources first,
// sinks last, otherwise the vertex whose outgoing weight most exceeds its incoming.
func greedyOrder(w [][]int) []int {
	m := len(w)
	left := make([]bool, m)
	for v := range left {
		left[v] = true
	}
	deg := func(v int) (out, in int) {
		for u := range m {
			if left[u] && u != v {
				out += w[v][u]
				in += w[u][v]
			}
		}
		return out, in
	}
	var head, tail []int
	for remaining := m; remaining > 0; {
		best, bestScore, placed := -1, 0, false
		for v := range m {
			if !left[v] {
				continue
			}
			out, in := deg(v)
			switch {
			case out == 0: // names nothing left: deleted last
				tail = append(tail, v)
				left[v], placed = false, true
				remaining--
				continue
			case in == 0:
				head = append(head, v)
				left[v], placed = false, true
				remaining--
				continue
			}
			if best < 0 || out-in > bestScore {
				best, bestScore = v, out-in
			}
		}
		if !placed && best >= 0 {
			head = append(head, best)
			left[best] = false
			remaining--
		}
	}
	slices.Reverse(tail)
	return append(head, tail...)
}

// components returns the strongly connected components of the graph on n vertices
// (Tarjan's algorithm, iterative), each sorted.
func components(n int, succ func(v int, visit func(int))) [][]int {
	index := make([]int, n)
	low := make([]int, n)
	onStack := make([]bool, n)
	for i := range index {
		index[i] = -1
	}
	var stack []int
	var out [][]int
	next := 0
	var succs [][]int
	succs = make([][]int, n)
	for v := range n {
		succ(v, func(u int) { succs[v] = append(succs[v], u) })
	}
	type frame struct{ v, k int }
	for root := range n {
		if index[root] >= 0 {
			continue
		}
		call := []frame{{root, 0}}
		index[root], low[root] = next, next
		next++
		stack = append(stack, root)
		onStack[root] = true
		for len(call) > 0 {
			f := &call[len(call)-1]
			if f.k < len(succs[f.v]) {
				u := succs[f.v][f.k]
				f.k++
				if index[u] < 0 {
					index[u], low[u] = next, next
					next++
					stack = append(stack, u)
					onStack[u] = true
					call = append(call, frame{u, 0})
				} else if onStack[u] {
					low[f.v] = min(low[f.v], index[u])
				}
				continue
			}
			v := f.v
			call = call[:len(call)-1]
			if len(call) > 0 {
				p := call[len(call)-1].v
				low[p] = min(low[p], low[v])
			}
			if low[v] == index[v] {
				var comp []int
				for {
					u := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[u] = false
					comp = append(comp, u)
					if u == v {
						break
					}
				}
				slices.Sort(comp)
				out = append(out, comp)
			}
		}
	}
	return out
}

type intHeap []int

func (h intHeap) Len() int           { return len(h) }
func (h intHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h intHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *intHeap) Push(x any)        { *h = append(*h, x.(int)) }
func (h *intHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
