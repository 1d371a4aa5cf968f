package refs

import "context"

// Provider hands out the index in service. A static inventory has one for ever; a live one
// swaps in a new index after each refresh, and answers an error while it has none.
type Provider interface {
	Current(ctx context.Context) (*Index, error)
}

// Static returns a Provider that always serves ix.
func Static(ix *Index) Provider { return static{ix} }

type static struct{ ix *Index }

func (s static) Current(context.Context) (*Index, error) { return s.ix, nil }
