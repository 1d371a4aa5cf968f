package auth_test

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"sgref/shared/ecsapi"
)

// withoutRequestID blanks the request's ID wherever the body carries it (RequestId and
// the Recommend link).
func withoutRequestID(resp *ecsapi.Response) []byte {
	return bytes.ReplaceAll(resp.Body, []byte(resp.RequestID), []byte("<RequestId>"))
}

// TestScopeHidesOtherAccounts: a caller sees its own groups; another account's group is
// answered exactly as a group that does not exist.
func TestScopeHidesOtherAccounts(t *testing.T) {
	h := MustHandler(t)
	for _, action := range []string{"DescribeSecurityGroupReferences", ecsapi.ActionDangling} {
		for _, format := range []string{"JSON", "XML"} {
			t.Run(action+"/"+format, func(t *testing.T) {
				ask := func(id string) *ecsapi.Response {
					r := newV1(id)
					r.params.Set("Action", action)
					r.params.Set("Format", format)
					return h.Serve(context.Background(), r.request())
				}
				if resp := ask("sg-1133aa"); resp.Status != 200 {
					t.Fatalf("own group: Status=%d %s", resp.Status, resp.Body)
				}
				other, missing := ask("sg-partner01"), ask("sg-missing")
				if other.RequestID == missing.RequestID {
					t.Fatal("two answers with one RequestId")
				}
				if other.Status != 404 || other.Code != ecsapi.CodeGroupIDNotFound {
					t.Errorf("another account's group: Status=%d Code=%s, want 404 %s", other.Status, other.Code, ecsapi.CodeGroupIDNotFound)
				}
				if other.Status != missing.Status || other.Code != missing.Code || other.ContentType != missing.ContentType ||
					!bytes.Equal(withoutRequestID(other), withoutRequestID(missing)) {
					t.Errorf("another account's group and a missing one differ:\n%d %s\n%d %s", other.Status, other.Body, missing.Status, missing.Body)
				}
			})
		}
	}
}

// TestScopeListsOtherAccountsReferrers: the groups of other accounts that reference the
// caller's group are listed, with their AliUid.
func TestScopeListsOtherAccountsReferrers(t *testing.T) {
	h := MustHandler(t)
	type refs struct {
		SecurityGroupReferences struct {
			SecurityGroupReference []struct {
				SecurityGroupId           string
				ReferencingSecurityGroups struct {
					ReferencingSecurityGroup []struct{ SecurityGroupId, AliUid string }
				}
			}
		}
	}
	ask := func(id, secret, group string) []string {
		t.Helper()
		r := newV1(group)
		r.id, r.secret = id, secret
		resp := h.Serve(context.Background(), r.request())
		if resp.Status != 200 {
			t.Fatalf("%s asks for %s: Status=%d %s", id, group, resp.Status, resp.Body)
		}
		var got refs
		if err := json.Unmarshal(resp.Body, &got); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range got.SecurityGroupReferences.SecurityGroupReference {
			for _, x := range e.ReferencingSecurityGroups.ReferencingSecurityGroup {
				out = append(out, x.SecurityGroupId+"/"+x.AliUid)
			}
		}
		return out
	}
	if got, want := ask(id123, secret123, "sg-classic01"), []string{"sg-partner01/456", "sg-partner02/456"}; !reflect.DeepEqual(got, want) {
		t.Errorf("account 123, sg-classic01: %v, want %v", got, want)
	}
	if got, want := ask(id456, secret456, "sg-partner01"), []string{"sg-classic01/123", "sg-partner02/456"}; !reflect.DeepEqual(got, want) {
		t.Errorf("account 456, sg-partner01: %v, want %v", got, want)
	}
}

// TestScopeAllOrNothing: one hidden group among visible ones hides the whole answer, as
// one missing group does.
func TestScopeAllOrNothing(t *testing.T) {
	h := MustHandler(t)
	r := newV1("sg-1133aa", "sg-partner01")
	resp := h.Serve(context.Background(), r.request())
	if resp.Status != 404 || resp.Code != ecsapi.CodeGroupIDNotFound {
		t.Errorf("Status=%d %s, want 404 %s", resp.Status, resp.Body, ecsapi.CodeGroupIDNotFound)
	}
}
