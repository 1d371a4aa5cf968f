package stores_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"sgref/shared/stores"
)

// A capture writes a gzip snapshot; a describe instance reads it, then refreshes it with
// its ETag until it changes.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "stores-example")
	defer os.RemoveAll(dir)

	st, key, err := stores.Open(ctx, "file:"+dir+"/snapshot.json.gz", stores.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	io.WriteString(zw, `{"SecurityGroups":[]}`)
	zw.Close()
	if err := st.Put(ctx, key, &z, "application/json", "gzip"); err != nil {
		fmt.Println(err)
		return
	}

	body, info, err := st.Get(ctx, key, "")
	if err != nil {
		fmt.Println(err)
		return
	}
	content, err := stores.Decoded(body, key, info, 64<<20)
	if err != nil {
		fmt.Println(err)
		return
	}
	b, _ := io.ReadAll(content)
	content.Close()
	fmt.Println(string(b))

	_, _, err = st.Get(ctx, key, info.ETag)
	fmt.Println(errors.Is(err, stores.ErrNotModified))

	_, _, err = stores.Open(ctx, "oss://snapshots/snapshot.json.gz", stores.Options{})
	fmt.Println(strings.Contains(err.Error(), "missing region"))
	// Output:
	// {"SecurityGroups":[]}
	// true
	// true
}
