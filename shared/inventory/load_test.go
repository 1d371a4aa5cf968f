package inventory_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sgref/shared/inventory"
)

func TestSampleLoads(t *testing.T) {
	inv, err := inventory.Load(context.Background(), inventory.Sample{})
	if err != nil {
		t.Fatalf("sample: %v", err)
	}
	regions, owners := map[string]bool{}, map[string]bool{}
	for _, g := range inv.SecurityGroups {
		regions[g.RegionId] = true
		owners[g.OwnerId] = true
	}
	if len(regions) < 2 || len(owners) != 2 || len(inv.SecurityGroups) < 20 {
		t.Errorf("sample has %d groups in %d regions of %d accounts, want a few dozen in 2+ regions of 2 accounts",
			len(inv.SecurityGroups), len(regions), len(owners))
	}
}

func TestDecodeECSWrapper(t *testing.T) {
	doc := `{"RequestId":"X","TotalCount":1,"SecurityGroups":{"SecurityGroup":[
		{"RegionId":"cn-hangzhou","OwnerId":"1","SecurityGroupId":"sg-a","Unknown":{"x":[1]},
		 "Permissions":{"Permission":[{"Direction":"egress","DestGroupId":"sg-b","Extra":true}]}}]}}`
	inv, err := inventory.Decode(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.SecurityGroups) != 1 || inv.SecurityGroups[0].Permissions.Permission[0].DestGroupId != "sg-b" {
		t.Errorf("got %+v", inv.SecurityGroups)
	}
}

func TestDecodeRoundTrip(t *testing.T) {
	inv, err := inventory.Load(context.Background(), inventory.Sample{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(inv)
	if err != nil {
		t.Fatal(err)
	}
	again, err := inventory.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := json.Marshal(again)
	if !bytes.Equal(b, b2) {
		t.Error("sample does not survive encode → decode → encode unchanged")
	}
	g := again.SecurityGroups
	var unknown *inventory.Group
	for i := range g {
		if g[i].SecurityGroupId == "sg-unknown01" {
			unknown = &g[i]
		}
	}
	if unknown == nil || unknown.EcsCount != nil {
		t.Error("a group without EcsCount must keep it unknown (nil), not zero")
	}
}

// rejects are malformed snapshots and the error each must give.
var rejects = func() map[string]struct{ doc, want string } {
	const ok = `{"RegionId":"r","OwnerId":"1","SecurityGroupId":"sg-a"}`
	return map[string]struct{ doc, want string }{
		"empty":                {``, "unexpected EOF"},
		"not an object":        {`[]`, "where \"{\" was expected"},
		"truncated":            {`{"SecurityGroups":[` + ok, "unexpected EOF"},
		"garbage":              {`{"SecurityGroups":[}`, "invalid"},
		"trailing data":        {`{"SecurityGroups":[]} {}`, "data after"},
		"no groups member":     {`{"Groups":[]}`, "no SecurityGroups"},
		"groups not array":     {`{"SecurityGroups":"x"}`, "not an array"},
		"groups twice":         {`{"SecurityGroups":[],"SecurityGroups":[]}`, "twice"},
		"group not object":     {`{"SecurityGroups":[1]}`, "security group #1"},
		"wrong type":           {`{"SecurityGroups":[{"RegionId":1}]}`, "security group #1"},
		"no id":                {`{"SecurityGroups":[{"RegionId":"r","OwnerId":"1"}]}`, "no SecurityGroupId"},
		"no region":            {`{"SecurityGroups":[{"OwnerId":"1","SecurityGroupId":"sg-a"}]}`, `"sg-a"): no RegionId`},
		"no owner":             {`{"SecurityGroups":[{"RegionId":"r","SecurityGroupId":"sg-a"}]}`, "no OwnerId"},
		"duplicate":            {`{"SecurityGroups":[` + ok + `,` + ok + `]}`, `#2 ("sg-a"): duplicate SecurityGroupId, first seen at #1`},
		"bad direction":        {`{"SecurityGroups":[{"RegionId":"r","OwnerId":"1","SecurityGroupId":"sg-a","Permissions":{"Permission":[{"SecurityGroupRuleId":"sgr-1","Direction":"in"}]}}]}`, `rule #1 ("sgr-1"): Direction "in"`},
		"missing direction":    {`{"SecurityGroups":[{"RegionId":"r","OwnerId":"1","SecurityGroupId":"sg-a","Permissions":{"Permission":[{}]}}]}`, `Direction ""`},
		"id too long":          {`{"SecurityGroups":[{"RegionId":"r","OwnerId":"1","SecurityGroupId":"` + strings.Repeat("x", 129) + `"}]}`, "longer than"},
		"wrapper not array":    {`{"SecurityGroups":{"SecurityGroup":{}}}`, "where \"[\" was expected"},
		"ecs count not number": {`{"SecurityGroups":[{"RegionId":"r","OwnerId":"1","SecurityGroupId":"sg-a","EcsCount":"2"}]}`, "security group #1"},
	}
}()

func TestDecodeRejects(t *testing.T) {
	for name, tc := range rejects {
		t.Run(name, func(t *testing.T) {
			inv, err := inventory.Decode(strings.NewReader(tc.doc))
			if err == nil {
				t.Fatalf("Decode(%q) = %d groups, want an error", tc.doc, len(inv.SecurityGroups))
			}
			if inv != nil {
				t.Errorf("Decode returned a partial inventory with its error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestParseSpec(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "inv.json")
	os.WriteFile(p, []byte(`{"SecurityGroups":[]}`), 0o644)
	for spec, want := range map[string]string{
		"":             "embedded sample",
		"file:" + p:    "snapshot file " + p,
		p:              "snapshot file " + p,
		"./x.json":     "snapshot file ./x.json",
		"inv.json":     "snapshot file inv.json",
		"file:":        "error",
		"s3://b/k":     "error",
		"ecs:?regions": "error",
	} {
		src, err := inventory.ParseSpec(spec)
		got := "error"
		if err == nil {
			got = src.String()
		}
		if got != want {
			t.Errorf("ParseSpec(%q) = %s, want %s", spec, got, want)
		}
	}
	if _, err := inventory.Load(context.Background(), inventory.File(filepath.Join(dir, "missing.json"))); err == nil {
		t.Error("loading a missing file succeeded")
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"SecurityGroups":[{}]}`), 0o644)
	if _, err := inventory.Load(context.Background(), inventory.File(bad)); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("error %v, want it to name the file", err)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"SecurityGroups":[{"RegionId":"r","OwnerId":"1","SecurityGroupId":"sg-a","Permissions":{"Permission":[{"Direction":"ingress","SourceGroupId":"sg-b"}]}}]}`))
	f.Add([]byte(`{"SecurityGroups":{"SecurityGroup":[]}}`))
	f.Add([]byte(`{"SecurityGroups":[1,2`))
	f.Add(inventory.SampleJSON())
	f.Fuzz(func(t *testing.T, b []byte) {
		inv, err := inventory.Decode(bytes.NewReader(b))
		if (inv == nil) == (err == nil) {
			t.Fatalf("Decode = %v, %v: want exactly one of inventory and error", inv, err)
		}
		if err == nil {
			if verr := inv.Validate(); verr != nil {
				t.Fatalf("decoded inventory fails validation: %v", verr)
			}
		}
	})
}
