using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;

namespace CivicGrid.LoadTest.Load;

/// <summary>Random positions strictly inside a polygon (rejection sampling in its envelope).</summary>
public sealed class RandomPoints(Geometry shape)
{
    private readonly IndexedPointInAreaLocator _locator = new(shape);
    private readonly Envelope _envelope = shape.EnvelopeInternal;

    public Coordinate Next(Random random)
    {
        for (var i = 0; i < 100; i++)
        {
            var c = new Coordinate(_envelope.MinX + random.NextDouble() * _envelope.Width, _envelope.MinY + random.NextDouble() * _envelope.Height);
            if (_locator.Locate(c) == Location.Interior)
            {
                return c;
            }
        }

        return shape.InteriorPoint.Coordinate;
    }
}
