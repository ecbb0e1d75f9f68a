/** The profile's limits, days and networks for the form: the API's own rules. */
import { DAYS, PAYMENT_METHODS, PRICE_RANGES, PROFILE_LIMITS, SOCIAL_NETWORKS, type Day } from "../../core/listing/rules";

export { DAYS, PAYMENT_METHODS, PRICE_RANGES, PROFILE_LIMITS, type Day };
export const SOCIAL_NETWORK_NAMES = Object.keys(SOCIAL_NETWORKS) as (keyof typeof SOCIAL_NETWORKS)[];
