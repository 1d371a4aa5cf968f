package config_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"sgref/shared/config"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestAuthSettings(t *testing.T) {
	const table = `{"AccessKeys":[{"AccessKeyId":"k","AccessKeySecret":"S3CRET-0123456789","AliUid":"1"}]}`
	tests := []struct {
		name     string
		vars     map[string]string
		wantAuth string
		wantErr  string
	}{
		{"default", nil, config.AuthOff, ""},
		{"off", map[string]string{config.EnvAuth: "off"}, config.AuthOff, ""},
		{"off with a table", map[string]string{config.EnvAccessKeys: table}, config.AuthOff, ""},
		{"required with a table", map[string]string{config.EnvAuth: "required", config.EnvAccessKeys: table}, config.AuthRequired, ""},
		{"required with a file", map[string]string{config.EnvAuth: "required", config.EnvAccessKeys: "file:/etc/sgref/keys.json"}, config.AuthRequired, ""},
		{"required without a table", map[string]string{config.EnvAuth: "required"}, "", "SGREF_AUTH=required needs SGREF_ACCESS_KEYS"},
		{"required with a blank table", map[string]string{config.EnvAuth: "required", config.EnvAccessKeys: "  \n"}, "", "needs SGREF_ACCESS_KEYS"},
		{"unknown mode", map[string]string{config.EnvAuth: "on", config.EnvAccessKeys: table}, "", `SGREF_AUTH="on"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := config.FromEnv(env(tc.vars))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), "S3CRET") {
					t.Errorf("err %q shows the key table", err)
				}
				return
			}
			if err != nil || c.Auth != tc.wantAuth {
				t.Fatalf("Auth=%q err %v, want %q", c.Auth, err, tc.wantAuth)
			}
			if want := strings.TrimSpace(tc.vars[config.EnvAccessKeys]); string(c.AccessKeys) != want {
				t.Errorf("AccessKeys=%q, want %q", string(c.AccessKeys), want)
			}
		})
	}
}

// TestSecretNeverPrinted: the key table survives every way a Config gets printed,
// logged or marshalled, as "[redacted]".
func TestSecretNeverPrinted(t *testing.T) {
	c, err := config.FromEnv(env(map[string]string{config.EnvAuth: "required",
		config.EnvAccessKeys: `{"AccessKeys":[{"AccessKeyId":"k","AccessKeySecret":"S3CRET-0123456789","AliUid":"1"}]}`}))
	if err != nil {
		t.Fatal(err)
	}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("config", "cfg", c, "keys", c.AccessKeys)
	slog.New(slog.NewTextHandler(&logged, nil)).Info("config", "cfg", c, "keys", c.AccessKeys)
	js, _ := json.Marshal(c)
	for _, out := range []string{fmt.Sprint(c), fmt.Sprintf("%+v %#v %s %q", c, c, c.AccessKeys, c.AccessKeys), logged.String(), string(js)} {
		if strings.Contains(out, "S3CRET") {
			t.Errorf("printed: %s", out)
		}
		if !strings.Contains(out, "[redacted]") {
			t.Errorf("no [redacted] in %s", out)
		}
	}
	if s := fmt.Sprint(config.Secret("")); s != "" {
		t.Errorf("an empty secret prints %q, want nothing", s)
	}
}
