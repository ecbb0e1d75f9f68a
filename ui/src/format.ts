export { submissionsCsv } from "../../core/csv";

export const money = (cents: number) => new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 0 }).format(cents / 100);

export const time = (ms: number | null | undefined) => (ms ? new Date(ms).toLocaleTimeString() : "");

export function eta(ms: number | null | undefined): string {
  if (!ms) return "unknown";
  const minutes = Math.round((ms - Date.now()) / 60_000);
  if (minutes <= 0) return "any moment";
  if (minutes < 60) return `about ${minutes} min`;
  return `about ${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export const label = (status: string) => status.replace(/_/g, " ");

export function download(name: string, data: string | Blob, type = "text/csv"): void {
  const url = URL.createObjectURL(typeof data === "string" ? new Blob([data], { type }) : data);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
