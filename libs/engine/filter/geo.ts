// Geo conditions on payload points `{lon, lat}` (degrees): haversine distance in metres, bounding
// boxes (which may cross the antimeridian: top_left.lon > bottom_right.lon) and polygons with holes.
import type { PayloadValue } from '../types.ts';
import type { GeoPoint, GeoPolygon } from './model.ts';

const EARTH_RADIUS_M = 6_371_000;

/** A payload value read as a geo point, or null when it is not one. */
export function geoPointOf(value: PayloadValue): GeoPoint | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const lon = numeric(value.lon);
  const lat = numeric(value.lat);
  if (lon === null || lat === null || lon < -180 || lon > 180 || lat < -90 || lat > 90) return null;
  return { lon, lat };
}

function numeric(value: PayloadValue | undefined): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  return null;
}

export function haversineMetres(a: GeoPoint, b: GeoPoint): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function inBoundingBox(p: GeoPoint, topLeft: GeoPoint, bottomRight: GeoPoint): boolean {
  if (p.lat > topLeft.lat || p.lat < bottomRight.lat) return false;
  if (topLeft.lon <= bottomRight.lon) return p.lon >= topLeft.lon && p.lon <= bottomRight.lon;
  return p.lon >= topLeft.lon || p.lon <= bottomRight.lon; // crosses the antimeridian
}

/** Even-odd ray casting on the plane of (lon, lat). */
function inRing(p: GeoPoint, ring: GeoPoint[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i], b = ring[j];
    if (a.lat > p.lat !== b.lat > p.lat) {
      const lonAtLat = a.lon + ((p.lat - a.lat) / (b.lat - a.lat)) * (b.lon - a.lon);
      if (p.lon < lonAtLat) inside = !inside;
    }
  }
  return inside;
}

export function inPolygon(p: GeoPoint, polygon: GeoPolygon): boolean {
  return inRing(p, polygon.exterior) && !polygon.interiors.some((ring) => inRing(p, ring));
}
