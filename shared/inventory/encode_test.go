package inventory_test

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"sgref/shared/inventory"
)

// A snapshot written by the Encoder reads back as the same groups, and is a document
// encoding/json reads into the model too, header included.
func TestEncoderRoundTrip(t *testing.T) {
	inv, err := inventory.Load(context.Background(), inventory.Sample{})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 27, 3, 10, 0, 0, time.UTC)
	cov := &inventory.Coverage{Accounts: []string{"123", "456"}, Regions: []string{"cn-hangzhou", "eu-west-1"}}
	for name, tc := range map[string]struct {
		at  time.Time
		cov *inventory.Coverage
	}{"with header": {at, cov}, "without": {time.Time{}, nil}} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			enc := inventory.NewEncoder(&buf, tc.at)
			for i := range inv.SecurityGroups {
				if err := enc.Encode(&inv.SecurityGroups[i]); err != nil {
					t.Fatal(err)
				}
			}
			if err := enc.Close(tc.cov); err != nil {
				t.Fatal(err)
			}
			got, err := inventory.Decode(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatalf("decode what the encoder wrote: %v\n%s", err, buf.Bytes())
			}
			if !reflect.DeepEqual(got.SecurityGroups, inv.SecurityGroups) {
				t.Error("groups differ after the round trip")
			}
			var doc struct {
				inventory.Header
				SecurityGroups []inventory.Group
			}
			if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
				t.Fatalf("encoding/json cannot read it: %v", err)
			}
			if !doc.CapturedAt.Equal(tc.at) || !reflect.DeepEqual(doc.Source, tc.cov) || len(doc.SecurityGroups) != len(inv.SecurityGroups) {
				t.Errorf("header %v %+v, %d groups; want %v %+v, %d", doc.CapturedAt, doc.Source, len(doc.SecurityGroups), tc.at, tc.cov, len(inv.SecurityGroups))
			}
		})
	}
}

func TestEncoderEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := inventory.NewEncoder(&buf, time.Time{}).Close(nil); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != "{\"SecurityGroups\":[]}\n" {
		t.Errorf("empty snapshot %q", got)
	}
}
