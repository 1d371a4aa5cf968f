// Package config names every environment variable the functions and the local command
// read, once. The templates and their checks use these names.
package config

import (
	"fmt"
	"log/slog"
	"os"
	"strings"
)

// Environment variables.
const (
	EnvInventory = "SGREF_INVENTORY" // "" (embedded sample), file:PATH or PATH
	EnvLogLevel  = "SGREF_LOG_LEVEL" // debug, info (default), warn, error
)

// Vars lists every variable above, for the template checks.
var Vars = []string{EnvInventory, EnvLogLevel}

// Config is the functions' configuration.
type Config struct {
	Inventory string
	LogLevel  slog.Level
}

// FromEnv reads the configuration through getenv (os.Getenv in production).
func FromEnv(getenv func(string) string) (Config, error) {
	c := Config{Inventory: strings.TrimSpace(getenv(EnvInventory))}
	if lv := getenv(EnvLogLevel); lv != "" {
		if err := c.LogLevel.UnmarshalText([]byte(lv)); err != nil {
			return Config{}, fmt.Errorf("%s=%q: want debug, info, warn or error", EnvLogLevel, lv)
		}
	}
	return c, nil
}

// Logger returns the JSON-lines logger every entry point writes to standard error.
func (c Config) Logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: c.LogLevel}))
}
