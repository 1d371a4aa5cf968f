package inventory

// Inventory is a validated set of security groups. It is never modified after Load
// returns it; a refresh produces a new Inventory.
type Inventory struct {
	SecurityGroups []Group `json:"SecurityGroups"`
}

// Group is one security group with its rules, in the field names of ECS.
type Group struct {
	RegionId          string      `json:"RegionId"`
	OwnerId           string      `json:"OwnerId"` // the owning account's ID (AliUid)
	SecurityGroupId   string      `json:"SecurityGroupId"`
	SecurityGroupName string      `json:"SecurityGroupName,omitempty"`
	Description       string      `json:"Description,omitempty"`
	VpcId             string      `json:"VpcId,omitempty"`
	SecurityGroupType string      `json:"SecurityGroupType,omitempty"` // "normal" or "enterprise"
	CreationTime      string      `json:"CreationTime,omitempty"`
	ResourceGroupId   string      `json:"ResourceGroupId,omitempty"`
	EcsCount          *int        `json:"EcsCount,omitempty"` // nil: unknown, which is not zero
	ServiceManaged    bool        `json:"ServiceManaged,omitempty"`
	Tags              *Tags       `json:"Tags,omitempty"`
	Permissions       Permissions `json:"Permissions"`

	// NetworkInterfaceCount is how many network interfaces (primary, secondary, and those
	// of managed services) the group is attached to. nil: unknown, which is not zero.
	NetworkInterfaceCount *int `json:"NetworkInterfaceCount,omitempty"`
}

// Tags wraps the tag list the way ECS does.
type Tags struct {
	Tag []Tag `json:"Tag"`
}

// Tag is one key/value tag.
type Tag struct {
	TagKey   string `json:"TagKey"`
	TagValue string `json:"TagValue"`
}

// Permissions wraps the rule list the way ECS does.
type Permissions struct {
	Permission []Permission `json:"Permission"`
}

// Permission is one security group rule, in ECS's field names.
type Permission struct {
	SecurityGroupRuleId     string `json:"SecurityGroupRuleId,omitempty"`
	Direction               string `json:"Direction"` // "ingress" or "egress"
	SourceGroupId           string `json:"SourceGroupId,omitempty"`
	SourceGroupOwnerId      string `json:"SourceGroupOwnerId,omitempty"`
	SourceGroupOwnerAccount string `json:"SourceGroupOwnerAccount,omitempty"`
	DestGroupId             string `json:"DestGroupId,omitempty"`
	DestGroupOwnerId        string `json:"DestGroupOwnerId,omitempty"`
	DestGroupOwnerAccount   string `json:"DestGroupOwnerAccount,omitempty"`
	SourceCidrIp            string `json:"SourceCidrIp,omitempty"`
	DestCidrIp              string `json:"DestCidrIp,omitempty"`
	Ipv6SourceCidrIp        string `json:"Ipv6SourceCidrIp,omitempty"`
	Ipv6DestCidrIp          string `json:"Ipv6DestCidrIp,omitempty"`
	SourcePrefixListId      string `json:"SourcePrefixListId,omitempty"`
	DestPrefixListId        string `json:"DestPrefixListId,omitempty"`
	IpProtocol              string `json:"IpProtocol,omitempty"`
	PortRange               string `json:"PortRange,omitempty"`
	SourcePortRange         string `json:"SourcePortRange,omitempty"`
	Policy                  string `json:"Policy,omitempty"`
	Priority                string `json:"Priority,omitempty"`
	NicType                 string `json:"NicType,omitempty"`
	Description             string `json:"Description,omitempty"`
	CreateTime              string `json:"CreateTime,omitempty"`
}

// Direction values.
const (
	Ingress = "ingress"
	Egress  = "egress"
)

// ReferencedGroup returns the group a rule authorizes (SourceGroupId of an ingress rule,
// DestGroupId of an egress rule) and the owner the rule names for it, if any. A rule that
// names no group returns "".
func (p *Permission) ReferencedGroup() (id, ownerID, ownerAccount string) {
	if p.Direction == Ingress {
		return p.SourceGroupId, p.SourceGroupOwnerId, p.SourceGroupOwnerAccount
	}
	return p.DestGroupId, p.DestGroupOwnerId, p.DestGroupOwnerAccount
}
