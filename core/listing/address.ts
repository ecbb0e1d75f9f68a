/**
 * A listing's street address as forms ask for it: split into a street line
 * and a unit line, or written whole on one line in the country's order. The
 * engine fills forms with it and staff packets show it, so it is one module.
 */
import type { ListingProfile } from "./profile";

/** "123 Market Street, Suite 4" → ["123 Market Street", "Suite 4"]; no unit part → [street, ""]. */
export function splitStreet(street: string): [string, string] {
  const m =
    /^(.+?),\s*((?:suite|ste\.?|apt\.?|apartment|unit|floor|fl\.?|room|rm\.?|#|building|bldg\.?|stock|og|etage|piso|planta|puerta|bus|boite|bte|interno|int\.?|scala|andar|sala|loja|bloco)\b.*|#.*)$/i.exec(
      street,
    );
  return m ? [m[1]!.trim(), m[2]!.trim()] : [street, ""];
}

/** The whole address on one line, in the order the business's country writes it. */
export function oneLineAddress(p: ListingProfile): string {
  const regionPostal = [p.region, p.postalCode].filter(Boolean).join(" ");
  const northAmerican = ["US", "CA", "AU"].includes((p.country ?? "").toUpperCase());
  const cityPart = northAmerican ? [p.city, regionPostal].filter(Boolean).join(", ") : [[p.postalCode, p.city].filter(Boolean).join(" "), p.region].filter(Boolean).join(", ");
  return [p.street, cityPart].filter(Boolean).join(", ");
}
