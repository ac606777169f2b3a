// Replaced by the throwaway-server setup.
export default function setup(): void {}
