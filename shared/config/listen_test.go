package config_test

import (
	"strings"
	"testing"

	"sgref/shared/config"
)

// TestCustomRuntimeListen: an FC custom runtime listens on every interface, on the port
// FC 3.0 passes as FC_CUSTOM_LISTEN_PORT, else on FC 2.0's FC_SERVER_PORT (which fc3's
// local emulation still sets), else on 9000; SGREF_LISTEN overrides the address.
func TestCustomRuntimeListen(t *testing.T) {
	custom := func(kv ...string) map[string]string {
		m := map[string]string{config.EnvRuntime: config.RuntimeFCCustom}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tests := map[string]struct {
		vars    map[string]string
		want    string
		wantErr string
	}{
		"no port":                  {custom(), ":9000", ""},
		"FC 3.0":                   {custom(config.EnvFCCustomListenPort, "8080"), ":8080", ""},
		"FC 2.0":                   {custom(config.EnvFCServerPort, "8081"), ":8081", ""},
		"both: FC 3.0's name wins": {custom(config.EnvFCCustomListenPort, "8080", config.EnvFCServerPort, "8081"), ":8080", ""},
		"blank FC 3.0 port":        {custom(config.EnvFCCustomListenPort, " ", config.EnvFCServerPort, "8081"), ":8081", ""},
		"SGREF_LISTEN overrides":   {custom(config.EnvListen, "127.0.0.1:9100", config.EnvFCCustomListenPort, "8080"), "127.0.0.1:9100", ""},
		"not a number":             {custom(config.EnvFCCustomListenPort, "http"), "", `FC_CUSTOM_LISTEN_PORT="http": want a port number`},
		"out of range":             {custom(config.EnvFCServerPort, "70000"), "", `FC_SERVER_PORT="70000"`},
		"zero":                     {custom(config.EnvFCCustomListenPort, "0"), "", "FC_CUSTOM_LISTEN_PORT"},
		// Under go1 the binary takes FC's runtime API and never listens: a port it does
		// not use cannot stop it.
		"not a custom runtime": {map[string]string{config.EnvFCCustomListenPort: "http"}, ":http", ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c, err := config.FromEnv(env(tc.vars))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || c.Listen != tc.want {
				t.Fatalf("Listen=%q err %v, want %q", c.Listen, err, tc.want)
			}
		})
	}
}
