package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"sgref/shared/config"
)

func TestScanCommand(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(config.EnvInventory, "")
	t.Setenv(config.EnvReport, "file:"+dir)
	t.Setenv(config.EnvLogLevel, "error")
	if err := scan(context.Background(), []string{"-regions", "cn-shanghai, ap-southeast-1", "-accounts", "123"}); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != 1 {
		t.Fatalf("reports %v, want one", files)
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Scope   struct{ Regions, Accounts []string }
		Summary struct{ ScannedGroups, DanglingReferences, UnreferencedGroups int }
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	// cn-shanghai holds four groups of account 123 (sg-sh-web01 names sg-1133aa of
	// cn-hangzhou; sg-sh-idle01 is unused); ap-southeast-1 none.
	if got := rep.Summary; got.ScannedGroups != 4 || got.DanglingReferences != 1 || got.UnreferencedGroups != 1 {
		t.Errorf("Summary %+v", got)
	}
	if len(rep.Scope.Regions) != 2 || rep.Scope.Accounts[0] != "123" {
		t.Errorf("Scope %+v", rep.Scope)
	}
	if err := scan(context.Background(), []string{"-regions", "a,," + string(make([]byte, 200))}); err == nil {
		t.Error("an over-long region was accepted")
	}
}
