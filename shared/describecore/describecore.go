// Package describecore builds, from configuration, what the describe-references function
// serves: the ECS API over the configured index, verifying request signatures when
// SGREF_AUTH=required, with the fault-injection actions when SGREF_FAULTS=on. Mains call
// it once at init, before their runtime starts.
package describecore

import (
	"context"
	"fmt"
	"log/slog"

	"sgref/shared/auth"
	"sgref/shared/config"
	"sgref/shared/ecsapi"
	"sgref/shared/ecslive"
	"sgref/shared/provider"
)

// Core is what a describe entry point serves from.
type Core struct {
	API         *ecsapi.Handler
	Credentials *ecslive.Rotating // nil unless the inventory is live
}

// Build loads the configured inventory, indexes it and returns the API handler over it.
func Build(ctx context.Context, c config.Config, log *slog.Logger) (*Core, error) {
	opts, err := APIOptions(c, log)
	if err != nil {
		return nil, err
	}
	p, rot, err := provider.New(ctx, c, log)
	if err != nil {
		return nil, err
	}
	return &Core{API: ecsapi.NewHandler(p, opts), Credentials: rot}, nil
}

// APIOptions are the API's options the configuration sets: the logger, the
// authenticator and the fault-injection actions. The local emulator adds its own actions
// to them.
func APIOptions(c config.Config, log *slog.Logger) (ecsapi.Options, error) {
	a, err := Authenticator(c, log)
	if err != nil {
		return ecsapi.Options{}, err
	}
	opts := ecsapi.Options{Logger: log, Auth: a}
	if c.Faults {
		opts.Actions = ecsapi.FaultActions()
	}
	return opts, nil
}

// Authenticator returns what verifies request signatures: nil with SGREF_AUTH=off (no
// authentication, no scoping), else a verifier of the key table SGREF_ACCESS_KEYS names.
// A key table that does not load stops the entry point; its errors never quote a secret.
func Authenticator(c config.Config, log *slog.Logger) (ecsapi.Authenticator, error) {
	if c.Auth != config.AuthRequired {
		if c.AccessKeys != "" {
			log.Warn(config.EnvAccessKeys + " is set but " + config.EnvAuth + "=off: requests are not authenticated")
		}
		return nil, nil
	}
	keys, err := auth.LoadKeys(string(c.AccessKeys))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", config.EnvAccessKeys, err)
	}
	log.Info("request signatures required", "keys", keys.Len(), "accounts", keys.Accounts())
	return auth.New(keys, auth.Options{Log: log}), nil
}
