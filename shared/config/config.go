// Package config names every environment variable the functions and the local command
// read, once. The templates and their checks use these names.
package config

import (
	"cmp"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"
)

// Environment variables sgref reads.
const (
	// EnvInventory selects the inventory source: "" or embedded for the embedded sample,
	// file:PATH or PATH for a snapshot file, oss://BUCKET/KEY?region=… or
	// s3://BUCKET/KEY?region=… for a snapshot object (package stores), ecs:?regions=… to
	// read ECS live (package ecslive).
	EnvInventory = "SGREF_INVENTORY"
	// EnvLogLevel is debug, info (the default), warn or error.
	EnvLogLevel = "SGREF_LOG_LEVEL"
	// EnvAuth is "off" (the default) or "required": every request must then carry a valid
	// ECS signature (v1 or ACS3) by a key of EnvAccessKeys, and sees only the groups of
	// the account that key acts as.
	EnvAuth = "SGREF_AUTH"
	// EnvAccessKeys is the key table SGREF_AUTH=required verifies against: file:PATH, or
	// the JSON document itself, {"AccessKeys":[{"AccessKeyId":"…","AccessKeySecret":"…",
	// "AliUid":"123"}]}. It holds secrets: never print it.
	EnvAccessKeys = "SGREF_ACCESS_KEYS"
	// EnvReport is where the orphan scan writes its report: stdout (default), file:DIR,
	// oss://BUCKET/PREFIX/ or s3://BUCKET/PREFIX/.
	EnvReport = "SGREF_REPORT"
	// EnvCapture is where the scheduled capture writes the snapshot: oss://BUCKET/KEY…,
	// s3://BUCKET/KEY… or file:PATH (gzip-compressed). Empty: the function does not capture.
	EnvCapture = "SGREF_CAPTURE"
	// EnvCaptureSource is what the capture reads: ecs:?regions=… (package ecslive).
	EnvCaptureSource = "SGREF_CAPTURE_SOURCE"
	// EnvRefresh is how old a live (ecs:) or stored (oss://, s3://) inventory may grow
	// before it is refreshed in the background, a Go duration; 60s when empty. A stored
	// one refreshes with a conditional GET: an unchanged object costs no decode.
	EnvRefresh = "SGREF_REFRESH"
	// EnvEmulateFaults injects failures into the local server's emulated ECS actions:
	// "throttle=0.2,error5xx=0.05,latency=20ms,failgroup=sg-x". Local server only.
	EnvEmulateFaults = "SGREF_EMULATE_FAULTS"
	// EnvEmulateAccount is the account the local server's emulated ECS answers for; the
	// owner of most groups of its inventory when empty. Local server only.
	EnvEmulateAccount = "SGREF_EMULATE_ACCOUNT"
	// EnvFaults, when "on", enables the API's fault-injection actions (SgrefFaultPanic,
	// SgrefFaultSleep), for tests of the compiled binaries. Never set it in production.
	EnvFaults = "SGREF_FAULTS"
)

// Credentials of the live ECS inventory source, in the names the Alibaba Cloud SDKs use.
const (
	// EnvRuntime chooses how the describe function runs: empty for the runtime whose API
	// the environment names (FC's go1, Lambda's provided.al2023), "fc-custom" for an FC
	// custom runtime: the binary serves HTTP itself (package fccustom).
	EnvRuntime = "SGREF_RUNTIME"
	// EnvListen overrides where an FC custom runtime listens (tests: 127.0.0.1:PORT).
	EnvListen = "SGREF_LISTEN"
	// EnvFCCustomListenPort is the custom runtime's port (customRuntimeConfig.port) as FC
	// 3.0 passes it ("Configure environment variables": FC_CUSTOM_LISTEN_PORT).
	EnvFCCustomListenPort = "FC_CUSTOM_LISTEN_PORT"
	// EnvFCServerPort is the same port under FC 2.0's name, which fc3's local runtime
	// emulation still sets; read when EnvFCCustomListenPort is not.
	EnvFCServerPort = "FC_SERVER_PORT"
	// FCDefaultPort is where a custom runtime listens when FC passes no port: FC's
	// default CAPort.
	FCDefaultPort = "9000"

	EnvAlibabaAccessKeyID     = "ALIBABA_CLOUD_ACCESS_KEY_ID"
	EnvAlibabaAccessKeySecret = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"
	EnvAlibabaSecurityToken   = "ALIBABA_CLOUD_SECURITY_TOKEN"
)

// Vars lists every variable above, for the template checks.
var Vars = []string{EnvInventory, EnvLogLevel, EnvAuth, EnvAccessKeys, EnvReport, EnvCapture, EnvCaptureSource, EnvFaults, EnvRefresh, EnvEmulateFaults, EnvEmulateAccount,
	EnvRuntime, EnvListen, EnvFCCustomListenPort, EnvFCServerPort,
	EnvAlibabaAccessKeyID, EnvAlibabaAccessKeySecret, EnvAlibabaSecurityToken}

// Auth modes.
const (
	AuthOff      = "off"
	AuthRequired = "required"
)

// Config is the functions' configuration.
type Config struct {
	Inventory  string
	LogLevel   slog.Level
	Auth       string
	AccessKeys Secret // the EnvAccessKeys spec, read by package auth
	Report     string
	Faults     bool

	Capture       string // where the capture writes; "" when the function does not capture
	CaptureSource string // what it reads
	Refresh       time.Duration

	EmulateFaults  string
	EmulateAccount string

	Runtime string // "" or RuntimeFCCustom
	Listen  string // where an FC custom runtime listens
}

// RuntimeFCCustom is EnvRuntime's value for an FC custom runtime.
const RuntimeFCCustom = "fc-custom"

// FromEnv reads the configuration through getenv (os.Getenv in production).
func FromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		Inventory:  strings.TrimSpace(getenv(EnvInventory)),
		Auth:       strings.TrimSpace(getenv(EnvAuth)),
		AccessKeys: Secret(strings.TrimSpace(getenv(EnvAccessKeys))),
		Report:     strings.TrimSpace(getenv(EnvReport)),

		Capture:       strings.TrimSpace(getenv(EnvCapture)),
		CaptureSource: strings.TrimSpace(getenv(EnvCaptureSource)),
	}
	switch {
	case c.Capture != "" && !strings.HasPrefix(c.CaptureSource, "ecs:"):
		return Config{}, fmt.Errorf("%s=%q needs %s=ecs:?regions=…: the live source the capture reads", EnvCapture, c.Capture, EnvCaptureSource)
	case c.Capture == "" && c.CaptureSource != "":
		return Config{}, fmt.Errorf("%s is set but %s is not: say where the capture writes (oss://…, s3://… or file:PATH)", EnvCaptureSource, EnvCapture)
	}
	c.Refresh = 60 * time.Second
	if v := getenv(EnvRefresh); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second {
			return Config{}, fmt.Errorf("%s=%q: want a duration of at least 1s, such as 60s", EnvRefresh, v)
		}
		c.Refresh = d
	}
	switch c.Runtime = strings.TrimSpace(getenv(EnvRuntime)); c.Runtime {
	case "", RuntimeFCCustom:
	default:
		return Config{}, fmt.Errorf("%s=%q: want %s or nothing", EnvRuntime, c.Runtime, RuntimeFCCustom)
	}
	c.Listen = strings.TrimSpace(getenv(EnvListen))
	if c.Listen == "" {
		name, port := EnvFCCustomListenPort, strings.TrimSpace(getenv(EnvFCCustomListenPort))
		if port == "" {
			name, port = EnvFCServerPort, strings.TrimSpace(getenv(EnvFCServerPort))
		}
		if n, err := strconv.Atoi(port); port != "" && (err != nil || n < 1 || n > 65535) && c.Runtime == RuntimeFCCustom {
			return Config{}, fmt.Errorf("%s=%q: want a port number, 1 to 65535", name, port)
		}
		c.Listen = ":" + cmp.Or(port, FCDefaultPort)
	}
	c.EmulateFaults = getenv(EnvEmulateFaults)
	c.EmulateAccount = getenv(EnvEmulateAccount)
	switch f := getenv(EnvFaults); f {
	case "", "off":
	case "on":
		c.Faults = true
	default:
		return Config{}, fmt.Errorf("%s=%q: want on or off", EnvFaults, f)
	}
	if lv := getenv(EnvLogLevel); lv != "" {
		if err := c.LogLevel.UnmarshalText([]byte(lv)); err != nil {
			return Config{}, fmt.Errorf("%s=%q: want debug, info, warn or error", EnvLogLevel, lv)
		}
	}
	switch c.Auth {
	case "", AuthOff:
		c.Auth = AuthOff
	case AuthRequired:
		if c.AccessKeys == "" {
			return Config{}, fmt.Errorf("%s=%s needs %s: file:PATH or the key table's JSON; refusing to start", EnvAuth, AuthRequired, EnvAccessKeys)
		}
	default:
		return Config{}, fmt.Errorf("%s=%q: want %q or %q", EnvAuth, c.Auth, AuthOff, AuthRequired)
	}
	return c, nil
}

// Secret is a setting that must never be printed: it formats, logs and marshals as
// "[redacted]" (or "" when empty). string(s) is the value.
type Secret string

const redacted = "[redacted]"

func (s Secret) show() string {
	if s == "" {
		return ""
	}
	return redacted
}

// String hides the value.
func (s Secret) String() string { return s.show() }

// GoString hides the value from %#v.
func (s Secret) GoString() string { return strconv.Quote(s.show()) }

// LogValue hides the value from log/slog.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.show()) }

// MarshalText hides the value from encoding/json and encoding/xml.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.show()), nil }

// Logger returns the JSON-lines logger every entry point writes to standard error.
func (c Config) Logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: c.LogLevel}))
}
