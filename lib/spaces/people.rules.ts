// Space settings → People limits shared by the Add people dialog (client) and the server, without
// zod: client components import this module, so zod stays out of the browser bundle.
export { SPACE_ROLES, SPACE_ROLE_LABELS, type SpaceRoleName } from '../access/permissions';

export const MAX_PEOPLE_PER_ADD = 20;
export const MAX_PICKER_RESULTS = 10;
export const MAX_PICKER_QUERY = 100;
export const MAX_ACCESS_REQUEST_NOTE = 500;
export const MAX_SPACE_PEOPLE_SEARCH = 100;
