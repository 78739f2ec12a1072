export const READ_DB = Symbol('ReadDb');
