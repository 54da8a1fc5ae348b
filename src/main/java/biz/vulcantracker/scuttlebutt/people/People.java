package biz.vulcantracker.scuttlebutt.people;

/** The people side of access, built once per node: accounts and sessions, roles, API keys and share links. */
public record People(Accounts accounts, Members members, ApiKeys apiKeys, ShareLinks shareLinks) {}
