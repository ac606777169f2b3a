/**
 * Makes a resource's link back to its manager non-enumerable: JSON.stringify, spreading and
 * util.inspect of a Cluster, Job, … then show its fields only, not the client behind it.
 */
export function hideManager(resource: object): void {
  Object.defineProperty(resource, 'manager', { enumerable: false });
}
