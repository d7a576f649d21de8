// The programmes' public face: what other resources may use (loading programmes, their facts and names).
// Other folders import from here only, never from a file inside this one.
export { loadOpenProgrammes, loadProgramme, loadProgrammeNames, type Programme, ProgrammeGuide, ProgrammeRulesFacts, type ProgrammeSummary, regionWords, SETTLEMENT_MODE } from "./programme-facts";
export { loadProgrammes } from "./programmes";
export { ProgrammeAttachments } from "./programme-attachments";
