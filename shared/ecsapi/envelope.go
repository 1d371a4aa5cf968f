package ecsapi

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
)

// Content types of the two formats, as ECS sends them.
const (
	ContentTypeJSON = "application/json;charset=utf-8"
	ContentTypeXML  = "text/xml;charset=utf-8"
)

// errorEnvelope is the body of every error answer.
type errorEnvelope struct {
	XMLName   xml.Name `json:"-" xml:"Error"`
	RequestId string
	HostId    string
	Code      string
	Message   string
	Recommend string
}

// referencesResponse is the body of a DescribeSecurityGroupReferences answer. NextToken is
// an sgref extension, present only when more records follow.
type referencesResponse struct {
	XMLName                 xml.Name `json:"-" xml:"DescribeSecurityGroupReferencesResponse"`
	RequestId               string
	SecurityGroupReferences struct {
		SecurityGroupReference []groupReference
	}
	NextToken string `json:",omitempty" xml:",omitempty"`
}

type groupReference struct {
	SecurityGroupId           string
	ReferencingSecurityGroups struct {
		ReferencingSecurityGroup []referencingGroup
	}
}

type referencingGroup struct {
	SecurityGroupId string
	AliUid          string
}

// render encodes v in the format asked for: JSON compact, XML indented under the XML
// declaration, as in the ECS documentation.
func render(v any, format string) ([]byte, string, error) {
	if a, ok := v.(appender); ok {
		jsonSize, xmlSize := a.size()
		if format == formatJSON {
			return a.appendJSON(make([]byte, 0, jsonSize)), ContentTypeJSON, nil
		}
		b := append(make([]byte, 0, len(xml.Header)+xmlSize+1), xml.Header...)
		return append(a.appendXML(b), '\n'), ContentTypeXML, nil
	}
	return renderReflect(v, format)
}

// renderReflect is render by encoding/json and encoding/xml, for every envelope that does
// not render itself.
func renderReflect(v any, format string) ([]byte, string, error) {
	if format == formatJSON {
		// An Encoder, not Marshal: ECS writes & and < as they are, Marshal would escape them.
		buf := bytes.NewBuffer(make([]byte, 0, 2048))
		enc := json.NewEncoder(buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return nil, "", err
		}
		return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), ContentTypeJSON, nil
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, "", err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), ContentTypeXML, nil
}
