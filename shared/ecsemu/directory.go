package ecsemu

import (
	"context"
	"encoding/xml"

	"sgref/shared/ecsapi"
)

// rmVersion is the API version of ResourceManager, whose ListAccounts the emulator answers.
const rmVersion = "2020-03-31"

type accountItem struct {
	AccountId, DisplayName, Type, Status, JoinMethod string
}

type listAccountsResponse struct {
	XMLName    xml.Name `json:"-" xml:"ListAccountsResponse"`
	RequestId  string
	TotalCount int
	PageNumber int
	PageSize   int
	Accounts   struct{ Account []accountItem }
}

// listAccounts emulates ResourceManager ListAccounts: the directory's members, paged by
// PageNumber (from 1) and PageSize (1..100, 10 by default), as the real API.
func (e *Emulator) listAccounts(_ context.Context, c *ecsapi.Call) (any, error) {
	num, err := c.IntParam("PageNumber", 1, 1, 1<<30)
	if err != nil {
		return nil, err
	}
	size, err := c.IntParam("PageSize", 10, 1, 100)
	if err != nil {
		return nil, err
	}
	resp := &listAccountsResponse{RequestId: c.RequestID(), TotalCount: len(e.directory), PageNumber: num, PageSize: size}
	resp.Accounts.Account = []accountItem{}
	from := min((num-1)*size, len(e.directory))
	for _, id := range e.directory[from:min(from+size, len(e.directory))] {
		resp.Accounts.Account = append(resp.Accounts.Account, accountItem{AccountId: id, DisplayName: "account-" + id,
			Type: "ResourceAccount", Status: "CreateSuccess", JoinMethod: "created"})
	}
	return resp, nil
}
