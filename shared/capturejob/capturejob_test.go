package capturejob_test

import (
	"context"
	"strings"
	"testing"

	"sgref/shared/capturejob"
	"sgref/shared/config"
	"sgref/shared/internal/testkit"
)

func TestNew(t *testing.T) {
	ctx := context.Background()
	if job, err := capturejob.New(ctx, config.Config{}, nil, testkit.Quiet); job != nil || err != nil {
		t.Errorf("no SGREF_CAPTURE: %v, %v; want no job", job, err)
	}
	dir := t.TempDir()
	if job, err := capturejob.New(ctx, config.Config{Capture: "file:" + dir + "/snap.json.gz", CaptureSource: "ecs:?regions=cn-hangzhou"}, nil, testkit.Quiet); job == nil || err != nil {
		t.Errorf("file capture: %v, %v", job, err)
	}
	for name, tc := range map[string]struct {
		c    config.Config
		want string
	}{
		"prefix":     {config.Config{Capture: "file:" + dir + "/", CaptureSource: "ecs:?regions=cn-hangzhou"}, config.EnvCapture},
		"bad source": {config.Config{Capture: "file:" + dir + "/s.json.gz", CaptureSource: "ecs:?region=cn-hangzhou"}, config.EnvCaptureSource},
		"bad store":  {config.Config{Capture: "s3://b/k?regoin=x", CaptureSource: "ecs:?regions=cn-hangzhou"}, config.EnvCapture},
	} {
		if _, err := capturejob.New(ctx, tc.c, nil, testkit.Quiet); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error naming %s", name, err, tc.want)
		}
	}
}

func TestConfigPairsCaptureWithItsSource(t *testing.T) {
	for name, env := range map[string]map[string]string{
		"capture without source": {config.EnvCapture: "s3://b/k?region=us-east-1"},
		"source without capture": {config.EnvCaptureSource: "ecs:?regions=cn-hangzhou"},
		"source not live":        {config.EnvCapture: "s3://b/k?region=us-east-1", config.EnvCaptureSource: "file:x.json"},
	} {
		if _, err := config.FromEnv(func(k string) string { return env[k] }); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
