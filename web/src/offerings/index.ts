// The offerings' public face: what other resources may use (an offering's words, its catalogue link, loading it).
// Other folders import from here only, never from a file inside this one.
export { cancellationRule, CATALOGUE_PATH, countEn, durationName, loadOffering, type Offering, offeringHref, quantityName, unitName } from "./offering-words";
export { catalogueFirstRead } from "./catalogue-read";
