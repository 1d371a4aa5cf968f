package inventory_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"sgref/shared/inventory"
	"sgref/shared/synth"
)

// collect runs a stream decoder over doc and returns the groups it handed over, in order,
// and its error.
func collect(stream func(io.Reader, func(*inventory.Group) error) error, r io.Reader) ([]inventory.Group, error) {
	var gs []inventory.Group
	err := stream(r, func(g *inventory.Group) error {
		gs = append(gs, *g)
		return nil
	})
	return gs, err
}

// mustMatchReference fails unless Stream and the encoding/json reference agree on doc:
// both fail or both succeed, having handed over the same groups either way. The one
// difference allowed is Stream's refusing a document for one of its limits, which
// encoding/json does not have (a string kept over 1 MiB, nesting counted from the
// document's root): it must then have handed over what encoding/json did up to there.
func mustMatchReference(tb testing.TB, doc []byte) (err error) {
	tb.Helper()
	want, wantErr := collect(inventory.ReferenceStream, bytes.NewReader(doc))
	got, err := collect(inventory.Stream, bytes.NewReader(doc))
	if errors.Is(err, inventory.ErrTooDeep) || errors.Is(err, inventory.ErrStringTooLong) {
		if len(got) > len(want) || len(got) > 0 && !reflect.DeepEqual(got, want[:len(got)]) {
			tb.Fatalf("Stream(%.200q) =\n%+v\nbefore its error %v; encoding/json's:\n%+v", doc, got, err, want)
		}
		return err
	}
	if (err == nil) != (wantErr == nil) {
		tb.Fatalf("Stream(%.200q) error = %.500v, encoding/json's = %.500v", doc, err, wantErr)
	}
	if !reflect.DeepEqual(got, want) {
		tb.Fatalf("Stream(%.200q) =\n%+v\nencoding/json's:\n%+v", doc, got, want)
	}
	return err
}

const okGroup = `{"RegionId":"r","OwnerId":"1","SecurityGroupId":"sg-a"}`

func doc(groups ...string) string {
	return `{"SecurityGroups":[` + strings.Join(groups, ",") + `]}`
}

// group is a valid group with extra members.
func group(members string) string {
	return `{"RegionId":"r","OwnerId":"1","SecurityGroupId":"sg-a",` + members + `}`
}

// streamSeeds are documents that exercise every corner of the format.
func streamSeeds() map[string]string {
	seeds := map[string]string{
		"sample": string(inventory.SampleJSON()),
		"wrapper": `{"RequestId":"X","SecurityGroups":{"PageSize":1,"SecurityGroup":[` + okGroup +
			`],"SecurityGroup":[1],"More":{"a":[true,false,null]}},"TotalCount":1}`,
		"empty wrapper":     `{"SecurityGroups":{}}`,
		"wrapper null":      `{"SecurityGroups":{"SecurityGroup":null}}`,
		"groups null":       `{"SecurityGroups":null}`,
		"group null":        doc(`null`),
		"white space":       " \t\r\n{ \"SecurityGroups\" : [ " + strings.ReplaceAll(okGroup, ",", " ,\n ") + " ] }\n\t ",
		"other whitespace":  "{\"SecurityGroups\":[]}\v",
		"bom":               "\xef\xbb\xbf{\"SecurityGroups\":[]}",
		"escaped key":       `{"Security\u0047roups":[` + okGroup + `]}`,
		"case folded top":   `{"securitygroups":[]}`,
		"skipped top-level": `{"a":{"b":[1,-2.5e+3,"x\u00e9",true,false,null,{}]},"SecurityGroups":[],"z":[[[]]]}`,
		"escapes":           doc(group(`"Description":"\"\\\/\b\f\n\r\t\u0000\u001f\u00e9\u20ac\ud83d\ude00"`)),
		"surrogates":        doc(group(`"Description":"\ud800x\udc00\ud800\ud800\udc00\ud83d\u0041\udbff\udfff\ud800"`)),
		"bad utf8":          doc(group("\"Description\":\"\xff\xfe\xed\xa0\x80\xe2\x82\xf0\x9f\x98\xc0\xaf\xef\xbf\xbd\"")),
		"utf8":              doc(group(`"Description":"héllo, 世界 😀"`)),
		"control":           doc(group("\"Description\":\"a\tb\"")),
		"bad escape":        doc(group(`"Description":"\x"`)),
		"bad hex":           doc(group(`"Description":"\u12g4"`)),
		"nulls": doc(`{"RegionId":"r","OwnerId":"1","SecurityGroupId":"sg-a","SecurityGroupName":null,"Description":null,` +
			`"VpcId":null,"SecurityGroupType":null,"CreationTime":null,"ResourceGroupId":null,"EcsCount":null,"ServiceManaged":null,` +
			`"Tags":null,"Permissions":null}`),
		"null keeps": doc(group(`"Description":"d","Description":null,"ServiceManaged":true,"ServiceManaged":null,"EcsCount":3,"EcsCount":null`)),
		"inner nulls": doc(group(`"Tags":{"Tag":null},"Permissions":{"Permission":null}`),
			`{"RegionId":"r","OwnerId":"1","SecurityGroupId":"sg-b","Tags":{"Tag":[null,{"TagKey":null,"TagValue":"v"}]},`+
				`"Permissions":{"Permission":[{"Direction":"ingress","SourceGroupId":null}]}}`),
		"empty lists":   doc(group(`"Tags":{"Tag":[]},"Permissions":{"Permission":[]}`)),
		"empty objects": doc(group(`"Tags":{},"Permissions":{}`)),
		"case folded": doc(`{"regionid":"r","OWNERID":"1","securityGroupID":"sg-a","ecscount":2,"servicemanaged":true,` +
			`"tags":{"tag":[{"tagkey":"k","TAGVALUE":"v"}]},"permissions":{"permission":[{"direction":"egress","destgroupid":"sg-b","IPPROTOCOL":"tcp"}]}}`),
		"unicode folded": doc("{\"RegionId\":\"r\",\"OwnerId\":\"1\",\"\u017fecurityGroupId\":\"sg-a\"," +
			"\"Tags\":{\"Tag\":[{\"Tag\u212aey\":\"k\",\"TagValue\":\"v\"}]}," +
			"\"Permissions\":{\"Permi\u017f\u017fion\":[{\"Direction\":\"ingre\u017f\u017f\"}]}}"),
		"escaped folded":     doc(`{"RegionId":"r","OwnerId":"1","\u017fecurityGroupId":"sg-a","Tags":{"Tag":[{"Tag\u212aey":"k"}]}}`),
		"exact beats folded": doc(`{"RegionId":"r","OwnerId":"1","SecurityGroupId":"sg-a","securitygroupid":"sg-b"}`),
		"duplicate keys": doc(`{"RegionId":"x","RegionId":"r","OwnerId":"1","SecurityGroupId":"sg-a","ecscount":1,"EcsCount":2,` +
			`"Tags":{"Tag":[{"TagKey":"a","TagValue":"1"},{"TagKey":"b"}]},"Tags":{"Tag":[{"TagValue":"2"}]},"Tags":{},"Tags":{"Tag":[{},{},{}]}}`),
		"duplicate lists": doc(group(`"Permissions":{"Permission":[{"Direction":"ingress","PortRange":"1/1"},{"Direction":"egress","Policy":"Drop"}],` +
			`"Permission":[{"Direction":"egress"}]},"Permissions":{"Permission":[{"SourceGroupId":"sg-x"},{"NicType":"intranet"},{"Direction":"ingress"}]}`)),
		"duplicate after empty": doc(group(`"Permissions":{"Permission":[{"Direction":"ingress","PortRange":"1/1"}],"Permission":[],"Permission":[{"Direction":"egress"}]}`)),
		"duplicate after null":  doc(group(`"Tags":{"Tag":[{"TagKey":"a"}]},"Tags":null,"Tags":{"Tag":[{"TagValue":"b"}]}`)),
		"unknown members": doc(group(`"x":{"y":[[{"z":null}],-0.0e-0,"\u0041"]},"Permissions":{"p":1,"Permission":[{"Direction":"ingress","q":[{}],"r":{"s":[]}}]},` +
			`"Tags":{"t":"u","Tag":[{"TagKey":"k","v":[1,2,{"w":false}]}]}`)),
		"deep unknown":      doc(group(`"x":` + strings.Repeat(`[{"a":`, 100) + `1` + strings.Repeat(`}]`, 100))),
		"long key":          doc(group(`"` + strings.Repeat("k", 5000) + `":1`)),
		"long escaped key":  doc(group(`"` + strings.Repeat(`\u0053`, 2000) + `":1`)),
		"service managed":   doc(group(`"ServiceManaged":true`), `{"RegionId":"r","OwnerId":"1","SecurityGroupId":"sg-b","ServiceManaged":false}`),
		"bool not string":   doc(group(`"ServiceManaged":"true"`)),
		"string not bool":   doc(group(`"Description":true`)),
		"object not string": doc(group(`"Description":{}`)),
		"array not struct":  doc(group(`"Permissions":[]`)),
		"object not list":   doc(group(`"Permissions":{"Permission":{}}`)),
		"string not list":   doc(group(`"Tags":{"Tag":"x"}`)),
		"number not tags":   doc(group(`"Tags":1`)),
		"rule not object":   doc(group(`"Permissions":{"Permission":["ingress"]}`)),
		"tag not object":    doc(group(`"Tags":{"Tag":[[]]}`)),
		"trailing comma":    doc(group(`"a":[1,]`)),
		"trailing comma 2":  doc(okGroup + `,`),
		"missing comma":     doc(okGroup + okGroup),
		"missing colon":     doc(group(`"a" 1`)),
		"bad literal":       doc(group(`"a":nul`)),
		"literal junk":      doc(group(`"a":truex`)),
		"top-level junk":    `{"a":01,"SecurityGroups":[]}`,
		"key not string":    `{1:2,"SecurityGroups":[]}`,
		"mismatched":        doc(group(`"a":[}`)),
		"wrapper twice key": `{"SecurityGroups":{"SecurityGroup":[` + okGroup + `],"SecurityGroup":[` + okGroup + `]}}`,
	}
	for i, n := range []string{"0", "-0", "1", "-1", "5", "42", "9223372036854775807", "9223372036854775808",
		"-9223372036854775808", "-9223372036854775809", "18446744073709551616", "1.0", "1.5", "1e3", "1E+3", "1e-3", "0.5",
		"-0.0", "01", "-", "1.", ".5", "1e", "1e+", "+1", "--1", "0x1", "1_000", "Infinity", "NaN", "2 3", "-01", "00"} {
		seeds[fmt.Sprintf("ecs count %d", i)] = doc(group(`"EcsCount":` + n))
		seeds[fmt.Sprintf("unknown number %d", i)] = doc(group(`"n":` + n))
		seeds[fmt.Sprintf("top-level number %d", i)] = `{"n":` + n + `,"SecurityGroups":[]}`
	}
	for name, tc := range rejects {
		seeds["reject "+name] = tc.doc
	}
	return seeds
}

// FuzzStreamMatchesEncodingJSON holds Stream, on go-json-experiment/json set to
// encoding/json's semantics, to encoding/json: for any input, both fail or both succeed,
// having handed over the same groups. The one difference allowed is Stream's limits
// (mustMatchReference): fuzzing inputs rarely nest 10 000 deep and are far too short to
// hold a string over 1 MiB.
func FuzzStreamMatchesEncodingJSON(f *testing.F) {
	for _, seed := range streamSeeds() {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		err := mustMatchReference(t, doc)
		inv, derr := inventory.Decode(bytes.NewReader(doc))
		if (err == nil) != (derr == nil) || (inv == nil) == (derr == nil) {
			t.Fatalf("Decode = %v, %v after Stream error %v", inv, derr, err)
		}
	})
}

func TestStreamMatchesEncodingJSON(t *testing.T) {
	for name, seed := range streamSeeds() {
		t.Run(name, func(t *testing.T) { mustMatchReference(t, []byte(seed)) })
	}
}

// TestStreamFieldNames checks that the decoder knows every field of the model by its JSON
// name, setting every one of them.
func TestStreamFieldNames(t *testing.T) {
	members := func(v any, value func(name string) string) string {
		var ms []string
		typ := reflect.TypeOf(v)
		for i := range typ.NumField() {
			name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
			ms = append(ms, fmt.Sprintf("%q:%s", name, value(name)))
		}
		return "{" + strings.Join(ms, ",") + "}"
	}
	str := func(name string) string { return `"` + name + `-value"` }
	rule := members(inventory.Permission{}, func(name string) string {
		if name == "Direction" {
			return `"egress"`
		}
		return str(name)
	})
	g := members(inventory.Group{}, func(name string) string {
		switch name {
		case "EcsCount", "NetworkInterfaceCount":
			return "7"
		case "ServiceManaged":
			return "true"
		case "Tags":
			return `{"Tag":[` + members(inventory.Tag{}, str) + `]}`
		case "Permissions":
			return `{"Permission":[` + rule + `]}`
		}
		return str(name)
	})
	doc := []byte(`{"SecurityGroups":[` + g + `]}`)
	if err := mustMatchReference(t, doc); err != nil {
		t.Fatal(err)
	}
	inv, _ := inventory.Decode(bytes.NewReader(doc))
	for _, v := range []reflect.Value{
		reflect.ValueOf(inv.SecurityGroups[0]),
		reflect.ValueOf(inv.SecurityGroups[0].Tags.Tag[0]),
		reflect.ValueOf(inv.SecurityGroups[0].Permissions.Permission[0]),
	} {
		for i := range v.NumField() {
			if v.Field(i).IsZero() {
				t.Errorf("%s.%s not decoded", v.Type().Name(), v.Type().Field(i).Name)
			}
		}
	}
}

// TestStreamChunks reads documents through readers that return little at a time, so that
// every token at some point straddles the end of the decoder's buffer.
func TestStreamChunks(t *testing.T) {
	docs := map[string][]byte{"sample": inventory.SampleJSON()}
	for _, name := range []string{"escapes", "surrogates", "bad utf8", "utf8", "unicode folded", "deep unknown", "long key", "long escaped key"} {
		docs[name] = []byte(streamSeeds()[name])
	}
	for name, doc := range docs {
		want, wantErr := collect(inventory.ReferenceStream, bytes.NewReader(doc))
		for rname, r := range map[string]func(io.Reader) io.Reader{
			"one byte": iotest.OneByteReader,
			"half":     iotest.HalfReader,
			"data err": iotest.DataErrReader,
		} {
			got, err := collect(inventory.Stream, r(bytes.NewReader(doc)))
			if (err == nil) != (wantErr == nil) || !reflect.DeepEqual(got, want) {
				t.Errorf("%s through %s: error %v (encoding/json's %v), groups equal: %v", name, rname, err, wantErr, reflect.DeepEqual(got, want))
			}
		}
	}
	// A snapshot larger than the buffer, read a few bytes at a time.
	var big bytes.Buffer
	if err := synth.Write(&big, synth.Options{Groups: 300, Rules: 5, Seed: 2}); err != nil {
		t.Fatal(err)
	}
	want, _ := collect(inventory.ReferenceStream, bytes.NewReader(big.Bytes()))
	got, err := collect(inventory.Stream, iotest.HalfReader(bytes.NewReader(big.Bytes())))
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("synthetic snapshot: error %v, groups equal: %v", err, reflect.DeepEqual(got, want))
	}
}

// TestStreamTruncated cuts documents at every byte: each prefix must be refused as the
// reference refuses it, having handed over the same groups.
func TestStreamTruncated(t *testing.T) {
	seeds := streamSeeds()
	for _, name := range []string{"wrapper", "white space", "escapes", "surrogates", "bad utf8", "unicode folded",
		"duplicate lists", "unknown members", "top-level number 15", "ecs count 8"} {
		doc := bytes.TrimRight([]byte(seeds[name]), " \t\r\n")
		for n := range len(doc) {
			if err := mustMatchReference(t, doc[:n]); err == nil {
				t.Errorf("%s cut at %d: no error", name, n)
			}
		}
	}
}

func TestStreamReadError(t *testing.T) {
	boom := errors.New("boom")
	doc := inventory.SampleJSON()
	err := inventory.Stream(io.MultiReader(bytes.NewReader(doc[:len(doc)/2]), iotest.ErrReader(boom)), func(*inventory.Group) error { return nil })
	if !errors.Is(err, boom) {
		t.Errorf("error %v, want it to wrap the reader's", err)
	}
	err = inventory.Stream(io.MultiReader(bytes.NewReader(doc[:len(doc)/2]), stalled{}), func(*inventory.Group) error { return nil })
	if !errors.Is(err, io.ErrNoProgress) {
		t.Errorf("a reader that stops giving anything: error %v, want %v", err, io.ErrNoProgress)
	}
}

// stalled is a reader that never returns anything, nor an error.
type stalled struct{}

func (stalled) Read([]byte) (int, error) { return 0, nil }

// TestStreamLimits checks the guards against hostile documents: nesting as deep as
// the library allows, counted from the document's root, and no deeper, and a bound on
// the strings kept.
func TestStreamLimits(t *testing.T) {
	nest := func(depth int) string { return strings.Repeat("[", depth) + strings.Repeat("]", depth) }
	wrapper := func(groups string) string { return `{"SecurityGroups":{"SecurityGroup":[` + groups + `]}}` }
	for name, tc := range map[string]struct {
		doc  string
		want error // nil: the document is read
	}{
		// The top-level object is level 1, the groups' array 2, a group 3 (4 in ECS's
		// wrapper), its rule list 5 and a rule 6.
		"top-level deepest":      {`{"x":` + nest(inventory.MaxDepth-1) + `,"SecurityGroups":[]}`, nil},
		"top-level too deep":     {`{"x":` + nest(inventory.MaxDepth) + `,"SecurityGroups":[]}`, inventory.ErrTooDeep},
		"group deepest":          {doc(group(`"x":` + nest(inventory.MaxDepth-3))), nil},
		"group too deep":         {doc(group(`"x":` + nest(inventory.MaxDepth-2))), inventory.ErrTooDeep},
		"wrapped group deepest":  {wrapper(group(`"x":` + nest(inventory.MaxDepth-4))), nil},
		"wrapped group too deep": {wrapper(group(`"x":` + nest(inventory.MaxDepth-3))), inventory.ErrTooDeep},
		"rule deepest":           {doc(group(`"Permissions":{"Permission":[{"Direction":"ingress","x":` + nest(inventory.MaxDepth-6) + `}]}`)), nil},
		"rule too deep":          {doc(group(`"Permissions":{"Permission":[{"Direction":"ingress","x":` + nest(inventory.MaxDepth-5) + `}]}`)), inventory.ErrTooDeep},
		"object too deep":        {doc(group(`"x":` + strings.Repeat(`{"a":`, inventory.MaxDepth) + `1` + strings.Repeat(`}`, inventory.MaxDepth))), inventory.ErrTooDeep},
		"long skipped string":    {doc(group(`"x":"` + strings.Repeat("x", 3*inventory.MaxStringLen) + `"`)), nil},
		"long escaped skipped":   {doc(group(`"x":"` + strings.Repeat(`\u0041`, inventory.MaxStringLen) + `"`)), nil},
		"longest kept string":    {doc(group(`"Description":"` + strings.Repeat("é", inventory.MaxStringLen/2) + `"`)), nil},
		"hostile open brackets":  {`{"SecurityGroups":[` + okGroup + `],"x":` + strings.Repeat("[", 1<<20), inventory.ErrTooDeep},
	} {
		t.Run(name, func(t *testing.T) {
			err := mustMatchReference(t, []byte(tc.doc))
			if (err == nil) != (tc.want == nil) || !errors.Is(err, tc.want) {
				t.Errorf("error %.300v, want %v", err, tc.want)
			}
		})
	}
	long := doc(group(`"Description":"` + strings.Repeat("x", inventory.MaxStringLen) + `é"`))
	err := inventory.Stream(strings.NewReader(long), func(*inventory.Group) error { return nil })
	if !errors.Is(err, inventory.ErrStringTooLong) || !strings.Contains(err.Error(), "security group #1") {
		t.Errorf("a string over the limit: error %v, want %v naming the group", err, inventory.ErrStringTooLong)
	}
}

// TestStreamErrors checks that errors say where: the group, the rule and the field.
func TestStreamErrors(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{doc(okGroup, `{"SecurityGroupId":"sg-b","RegionId":7}`), `security group #2 ("sg-b"): RegionId: found a number where a string was expected`},
		{doc(group(`"Permissions":{"Permission":[{"Direction":"ingress"},{"SecurityGroupRuleId":"sgr-2","PortRange":1}]}`)),
			`security group #1 ("sg-a"): Permissions: rule #2 ("sgr-2"): PortRange: found a number`},
		{doc(group(`"Tags":{"Tag":[{"TagKey":[]}]}`)), `Tags: tag #1: TagKey: found an array`},
		{doc(group(`"EcsCount":1.5`)), `EcsCount: the number at offset 85 is not an integer`},
		{doc(group(`"Description":"x`)), `Description: unexpected EOF`},
		{`{"SecurityGroups":[]`, `invalid snapshot JSON: unexpected EOF`},
		{`{"SecurityGroups":[]}x`, `data after the top-level object at offset 21`},
		{doc(group(`"Permissions":{"Permission":[{"Direction":"ingress"},{"Description":"` + strings.Repeat("x", inventory.MaxStringLen+1) + `"}]}`)),
			`security group #1 ("sg-a"): Permissions: rule #2: Description: string longer than`},
		{doc(group(`"x":[[{"a":1,}]]`)), `security group #1 ("sg-a"): x: invalid character`},
	} {
		_, err := inventory.Decode(strings.NewReader(tc.doc))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Decode(%.80q) error %.300v, want it to contain %q", tc.doc, err, tc.want)
		}
	}
}

// BenchmarkStream measures decoding alone (with validation and interning, no consumer):
// base is the encoding/json reference, sgref Stream.
func BenchmarkStream(b *testing.B) {
	var doc bytes.Buffer
	if err := synth.Write(&doc, synth.Options{Groups: 20000, Rules: 10, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	for _, impl := range []struct {
		name   string
		stream func(io.Reader, func(*inventory.Group) error) error
	}{
		{"base", inventory.ReferenceStream},
		{"sgref", inventory.Stream},
	} {
		b.Run(impl.name, func(b *testing.B) {
			b.SetBytes(int64(doc.Len()))
			b.ReportAllocs()
			for b.Loop() {
				n := 0
				err := impl.stream(bytes.NewReader(doc.Bytes()), func(*inventory.Group) error { n++; return nil })
				if err != nil || n != 20000 {
					b.Fatalf("%d groups, error %v", n, err)
				}
			}
		})
	}
}
