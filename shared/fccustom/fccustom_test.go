package fccustom_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"sgref/shared/ecsapi"
	"sgref/shared/fccustom"
	"sgref/shared/internal/testkit"
)

// TestHandler: FC's headers reach their receivers, its control calls get 200, the rest
// is the API.
func TestHandler(t *testing.T) {
	var got []string
	h := fccustom.Handler{API: testkit.SampleAPI(t, ecsapi.Options{}), Log: testkit.Quiet,
		Credentials: func(id, secret, token string) { got = append(got, id+"/"+secret+"/"+token) }}
	for name, c := range map[string]struct {
		path   string
		header map[string]string
		status int
		creds  int
	}{
		"health":     {fccustom.HealthPath, nil, 200, 0},
		"initialize": {"/initialize", map[string]string{"x-fc-control-path": "/initialize"}, 200, 0},
		"describe": {"/?Action=DescribeSecurityGroupReferences&RegionId=cn-hangzhou&SecurityGroupId.1=sg-1133aa",
			map[string]string{"x-fc-request-id": "r1", "x-fc-access-key-id": "STS.a", "x-fc-access-key-secret": "s", "x-fc-security-token": "t"}, 200, 1},
		"no action": {"/", nil, 400, 0},
	} {
		t.Run(name, func(t *testing.T) {
			got = nil
			r := httptest.NewRequest("GET", c.path, nil)
			for k, v := range c.header {
				r.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != c.status || len(got) != c.creds || (c.creds == 1 && got[0] != "STS.a/s/t") {
				t.Errorf("status %d, credentials %v; want %d and %d credentials", w.Code, got, c.status, c.creds)
			}
		})
	}
	_ = http.StatusOK
}
