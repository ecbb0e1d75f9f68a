/** The form-field mapper: public entry points. */
export { mapPage, type PageLike, type FrameLike, type MapPageOptions } from "./page";
export { mapperScript } from "./script";
export { defaultMapperConfig } from "./lexicon";
export { createScorer } from "./scoring";
export type * from "./types";
