import { createRequire as __slipwayCreateRequire } from 'node:module';
const require = __slipwayCreateRequire(import.meta.url);
import{parseArgs}from"node:util";var UsageError=class extends Error{name="UsageError"};function parseCommandArgs(args,options){return parseArgs({args,options,allowPositionals:!0,strict:!0})}export{UsageError,parseCommandArgs};
