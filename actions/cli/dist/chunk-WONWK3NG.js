import { createRequire as __slipwayCreateRequire } from 'node:module';
const require = __slipwayCreateRequire(import.meta.url);
function markdownCell(text){return text.replace(/\|/g,"\\|").replace(/\r?\n|\r/g," ").replace(/<!--/g,"&lt;!--")}export{markdownCell};
