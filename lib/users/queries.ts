// The Users list moved to ./list (search, filters, keyset pages, export); kept as an entry point.
export { listSiteUsers, type UserListRow as SiteUserRow, type UsersPage } from './list';
