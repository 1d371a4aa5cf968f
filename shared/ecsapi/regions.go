package ecsapi

import (
	"maps"
	"slices"
)

// publicRegions are Alibaba Cloud's public region IDs. A region is known when it is one of
// these or when the inventory has a group in it.
var publicRegions = map[string]bool{
	"cn-qingdao": true, "cn-beijing": true, "cn-zhangjiakou": true, "cn-huhehaote": true,
	"cn-wulanchabu": true, "cn-hangzhou": true, "cn-shanghai": true, "cn-nanjing": true,
	"cn-fuzhou": true, "cn-wuhan-lr": true, "cn-shenzhen": true, "cn-heyuan": true,
	"cn-guangzhou": true, "cn-chengdu": true, "cn-hongkong": true,
	"ap-northeast-1": true, "ap-northeast-2": true, "ap-southeast-1": true, "ap-southeast-3": true,
	"ap-southeast-5": true, "ap-southeast-6": true, "ap-southeast-7": true, "ap-south-1": true,
	"us-east-1": true, "us-west-1": true, "eu-west-1": true, "eu-central-1": true,
	"me-east-1": true, "me-central-1": true, "na-south-1": true,
}

// PublicRegions returns Alibaba Cloud's public region IDs, sorted.
func PublicRegions() []string { return slices.Sorted(maps.Keys(publicRegions)) }
